#!/usr/bin/env python3
"""Writes hardening/: bad inputs that name a value the models must never take on trust (CPU ID registers,
kimage->head and the list it leads to, struct kimage at the end of RAM, fields a builder does not use,
control characters), derived from the bundled scenarios as they are now. Run from the repository root:

    python3 checker/src/test/resources/bad-input/generate_hardening.py

It replaces the hardening/ rows of EXPECTED.tsv and leaves every other row as it is.
"""
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(ROOT, "..", "..", "..", "..", ".."))
CAT = "hardening"


def read(p):
    with open(os.path.join(REPO, p), encoding="utf-8") as f:
        return f.read()


R = read("scenarios/rfc-v2-el2.yaml")
R1 = read("scenarios/rfc-v2-el1.yaml")
RF = read("scenarios/rfc-v2-el2-fixed.yaml")
U = read("scenarios/upstream-el2.yaml")
UK = read("scenarios/upstream-el2-kimage-after-copy.yaml")
H = read("scenarios/hibernate-resume.yaml")
expected = {}


def sub(text, old, new):
    if text.count(old) != 1:
        sys.exit("generate_hardening.py: %r occurs %d times, expected 1" % (old, text.count(old)))
    return text.replace(old, new)


def scen(name, text, field):
    text = text.replace("../designs/", "../../../../../../designs/")   # code paths resolve beside the file
    rel = CAT + "/" + name + ".yaml"
    with open(os.path.join(ROOT, rel), "w", encoding="utf-8") as f:
        f.write(text)
    expected[rel] = field


def entries(base, *pairs):
    """Raw entries under tables: (after its builder line; the scenarios go on with code: after tables:)."""
    i = base.index("\n", base.index("\n  builder: ")) + 1
    return base[:i] + "  entries:\n" + "".join("    - {address: 0x%x, value: 0x%x}\n" % p for p in pairs) + base[i:]


shutil.rmtree(os.path.join(ROOT, CAT), ignore_errors=True)
os.makedirs(os.path.join(ROOT, CAT))

# CPU ID registers with reserved encodings or RES0 bits set
scen("mmfr0-all-ones", sub(U, "ID_AA64MMFR0_EL1: 0x1124", "ID_AA64MMFR0_EL1: 0xffffffffffffffff"), "registers.ID_AA64MMFR0_EL1")
scen("mmfr0-reserved-parange", sub(R, "ID_AA64MMFR0_EL1: 0x1124", "ID_AA64MMFR0_EL1: 0x1127"), "registers.ID_AA64MMFR0_EL1")
scen("mmfr0-res0-set-hibernate", sub(H, "ID_AA64MMFR0_EL1: 0x1124", "ID_AA64MMFR0_EL1: 0x0001000000001124"), "registers.ID_AA64MMFR0_EL1")

# kimage->head rewritten: the list relocate_kernel.S would walk from struct kimage
KH = 0x1b2f00000      # struct kimage of the rfc-v2 / upstream layouts; head at offset 0
KH_H = 0x10ff00000    # hibernate-resume's
scen("head-without-flags", entries(U, (KH, KH)), "tables.entries[0]")
scen("head-indirection-to-itself", entries(U, (KH, KH | 2)), "tables.entries[0]")
scen("head-outside-ram", entries(R, (KH, 0x10000002)), "tables.entries[0]")
scen("head-is-a-source", entries(UK, (0x48200000, 0x1b4000008)), "tables.entries[0]")
scen("head-hibernate-loops", entries(H, (KH_H, KH_H | 2)), "tables.entries[0]")

# struct kimage must fit in RAM, all of it
scen("kimage-in-last-8-bytes-of-ram", sub(U, "kimage: 0x1b2f00000", "kimage: 0x23ffffff8"), "placement.kimage")
scen("kimage-straddles-ram-end", sub(R, "kimage: 0x1b2f00000", "kimage: 0x23fffffe0"), "placement.kimage")

# fields the selected builder does not use
scen("option-unused-by-upstream", sub(U, "builder: upstream-trans-pgd", "builder: upstream-trans-pgd\n  options:\n    code_prot: PAGE_KERNEL_EXEC"), "tables.options.code_prot")
scen("option-vectors-under-hibernate", sub(H, "builder: hibernate-resume", "builder: hibernate-resume\n  options:\n    vectors: copy"), "tables.options.vectors")
scen("option-code-va-under-rfc", sub(RF, "vectors: copy", "vectors: copy\n    code_va: 0x40080000"), "tables.options.code_va")
scen("mappings-under-upstream", sub(U, "builder: upstream-trans-pgd", "builder: upstream-trans-pgd\n  mappings:\n    - {va: 0x40080000, attrs: 0x403}"), "tables.mappings")
scen("mappings-under-rfc", sub(R, "builder: rfc-v2-trans-table", "builder: rfc-v2-trans-table\n  mappings:\n    - {va: 0x40080000, attrs: 0x403}"), "tables.mappings")
scen("mappings-empty-under-hibernate", sub(H, "builder: hibernate-resume", "builder: hibernate-resume\n  mappings: []"), "tables.mappings")

scen("hyp-stub-vectors-booted-at-el1", sub(R1, "  kimage: 0x1b2f00000", "  kimage: 0x1b2f00000\n  hyp_stub_vectors: 0x40090800"), "placement.hyp_stub_vectors")

# control characters and lone surrogates in strings
scen("regime-with-nul", sub(R, "regime: el2", 'regime: "el2\\0"'), "regime")
scen("regime-with-escape", sub(U, "regime: el2", 'regime: "el2\\e"'), "regime")
scen("description-with-nul", sub(H, "description: RFC v2 3/8", 'description: "\\0RFC v2 3/8"\n#'), "description")
scen("builder-with-bell", sub(R1, "builder: rfc-v2-trans-table", 'builder: "rfc-v2-trans-table\\a"'), "tables.builder")
scen("segment-name-with-lone-surrogate", sub(U, "{name: kernel,", '{name: "kern\\ud800el",'), "kimage.segments[0].name")

path = os.path.join(ROOT, "EXPECTED.tsv")
with open(path, encoding="utf-8") as f:
    lines = f.read().splitlines()
head = [l for l in lines if l.startswith("#")]
rows = [l for l in lines if not l.startswith("#") and not l.startswith(CAT + "/")]
rows += [rel + "\t" + expected[rel] for rel in expected]
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(head + sorted(rows)) + "\n")
print("%s: %d files" % (CAT, len(expected)))
