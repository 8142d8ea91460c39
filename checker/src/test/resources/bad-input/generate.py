#!/usr/bin/env python3
"""Regenerates the bad-input corpus from the bundled scenarios, the example dump and one real
counterexample. Run from the repository root:

    python3 checker/src/test/resources/bad-input/generate.py

Every file is written into a category folder, and EXPECTED.tsv records, per file, what the one-line
error must name: the field path for scenarios (e.g. kimage.segments[1].size, or '-' when the file is
not YAML at all), the line number for register dumps, the key for counterexample files.
"""
import json
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(ROOT, "..", "..", "..", "..", ".."))
CATEGORIES = ["yaml-syntax", "wrong-types", "unknown-fields", "missing-fields", "sizes", "misaligned",
              "overlaps", "outside-ram", "placement-exhausted", "tables", "entry-lists", "registers",
              "builders", "dump-in-scenario", "dump-files", "itf"]


def read(p):
    with open(os.path.join(REPO, p), encoding="utf-8") as f:
        return f.read()


R = read("scenarios/rfc-v2-el2.yaml")
R1 = read("scenarios/rfc-v2-el1.yaml")
RF = read("scenarios/rfc-v2-el2-fixed.yaml")
U = read("scenarios/upstream-el2.yaml")
UK = read("scenarios/upstream-el2-kimage-after-copy.yaml")
UO = read("scenarios/upstream-el2-tables-ordinary.yaml")
H = read("scenarios/hibernate-resume.yaml")
D = read("examples/seed-2019-el2-from-dump.yaml")
DUMP = read("examples/seed-2019-el2-regs.txt")
BASES = {"rfc-v2-el2": R, "rfc-v2-el1": R1, "rfc-v2-el2-fixed": RF, "upstream-el2": U,
         "upstream-el2-kimage-after-copy": UK, "upstream-el2-tables-ordinary": UO, "hibernate-resume": H}

expected = {}
for c in CATEGORIES:
    shutil.rmtree(os.path.join(ROOT, c), ignore_errors=True)


def garbage(seed, n):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def sub(text, old, new, count=1):
    n = text.count(old)
    if n != count:
        sys.exit("generate.py: %r occurs %d times, expected %d" % (old, n, count))
    return text.replace(old, new)


def put(cat, name, data, field):
    assert cat in CATEGORIES, cat
    rel = cat + "/" + name
    assert rel not in expected, rel
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(data)
    expected[rel] = field


def scen(cat, name, text, field):
    put(cat, name + ".yaml", text, field)


def lines_without(text, prefix):
    """Drops every line whose stripped form starts with prefix (exactly one must match)."""
    out = [l for l in text.split("\n") if not l.strip().startswith(prefix)]
    if len(out) != len(text.split("\n")) - 1:
        sys.exit("generate.py: expected one line starting with %r" % prefix)
    return "\n".join(out)


# ---- explicit-builder base (no bundled scenario uses it) ----------------------------------------
EXPLICIT = sub(R, "  builder: rfc-v2-trans-table",
               "  builder: explicit\n  options:\n    code_va: 0x1b306a000\n  mappings:\n"
               "    - {va: 0x1b306a000, size: 4K, prot: PAGE_HYP_EXEC}\n"
               "    - {va: 0x40080000, size: 25M, prot: PAGE_KERNEL}")
EXPLICIT = sub(EXPLICIT, "  TTBR0_EL2: 0x1b3069000\n", "")

# ---- yaml-syntax --------------------------------------------------------------------------------
C = "yaml-syntax"
scen(C, "tab-indented-register", sub(R, "\n  TCR_EL2:", "\n\tTCR_EL2:"), "-")
scen(C, "tab-indented-segment", sub(R, "    - {name: initramfs", "\t- {name: initramfs"), "-")
scen(C, "tab-before-placement-key", sub(U, "\n  sources:", "\n \tsources:"), "-")
scen(C, "unclosed-flow-mapping-ram", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 8G"), "-")
scen(C, "unclosed-flow-mapping-segment", sub(U, "{name: dtb, size: 64K, dest: 0x4fe00000}", "{name: dtb, size: 64K, dest: 0x4fe00000"), "-")
scen(C, "unclosed-flow-sequence", sub(H, "ram:\n  - {base: 0x40000000, size: 4G}", "ram: [{base: 0x40000000, size: 4G}"), "-")
scen(C, "unclosed-double-quote", sub(R, "description: RFC v2", 'description: "RFC v2'), "-")
scen(C, "unclosed-single-quote", sub(U, "name: upstream-el2", "name: 'upstream-el2"), "-")
scen(C, "extra-closing-brace", sub(R, "{name: kernel, size: 13M, dest: 0x40080000}", "{name: kernel, size: 13M, dest: 0x40080000}}"), "-")
scen(C, "duplicate-key-regime", sub(R, "regime: el2\n", "regime: el2\nregime: el1\n"), "-")
scen(C, "duplicate-key-register", sub(R, "  TTBR0_EL2: 0x1b3069000", "  TTBR0_EL2: 0x1b3069000\n  TTBR0_EL2: 0x1b306b000"), "-")
scen(C, "duplicate-key-in-flow-mapping", sub(U, "{name: kernel, size: 13M, dest: 0x40080000}", "{name: kernel, size: 13M, dest: 0x40080000, size: 14M}"), "-")
scen(C, "duplicate-key-placement", sub(H, "  sources: 0x110000000", "  sources: 0x110000000\n  sources: 0x120000000"), "-")
put(C, "binary-garbage.yaml", garbage(7, 4096), "-")
put(C, "binary-garbage-after-header.yaml", R[:200].encode() + garbage(8, 512), "-")
put(C, "latin1-description.yaml", sub(R, "booted at EL2 (E2H=0), 25 MB", "booted at EL2 (E2H=0), 25 MB \u00e9t\u00e9").encode("latin-1"), "-")
put(C, "utf16-encoded.yaml", R.encode("utf-16"), "-")
put(C, "empty.yaml", b"", "-")
put(C, "only-a-comment.yaml", "# rfc-v2-el2, to be written\n", "-")
put(C, "only-blank-lines.yaml", "\n\n   \n\n", "-")
put(C, "only-document-markers.yaml", "---\n...\n", "-")
scen(C, "top-level-list", "- " + "\n  ".join(l for l in R.split("\n") if l and not l.startswith("#")) + "\n", "-")
scen(C, "top-level-scalar", "rfc-v2-el2\n", "-")
scen(C, "top-level-null", "~\n", "-")
scen(C, "missing-colon", sub(R, "regime: el2", "regime el2"), "-")
scen(C, "misindented-key", sub(U, "  sources: 0x1b4000000", "    sources: 0x1b4000000"), "-")
scen(C, "truncated-mid-line", R[: R.index("dest: 0x48000000") + 8], "-")
scen(C, "truncated-in-flow-mapping", H[: H.index("size: 4G") + 4], "-")
scen(C, "undefined-alias", sub(R, "  sources: 0x1b4000000", "  sources: *sources_base"), "placement.sources")
scen(C, "alias-bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    "%s: &%s [%s]\n" % (chr(98 + i), chr(98 + i), ", ".join(["*" + chr(97 + i)] * 10)) for i in range(8)) + R, "a")
scen(C, "deeply-nested-flow", "name: " + "[" * 5000 + "]" * 5000 + "\n" + lines_without(R, "name:"), "-")
scen(C, "control-character", sub(R, "description: RFC v2", "description: RFC\x07 v2"), "-")
scen(C, "nul-byte", sub(U, "description: v5.16", "description: v5.16\x00"), "-")
scen(C, "second-document", R + "---\n" + U, "-")
scen(C, "garbage-after-document-end", R + "...\nTTBR0_EL2: 0x0\n", "-")
scen(C, "block-scalar-bad-indent", sub(D, "  MAIR_EL2       0xbbff440c0400", "MAIR_EL2 0xbbff440c0400"), "-")
scen(C, "unknown-directive", "%YAML 9.9\n---\n" + R, "-")
scen(C, "anchor-without-node", sub(R, "  sources: 0x1b4000000", "  sources: &"), "-")

# ---- wrong-types --------------------------------------------------------------------------------
C = "wrong-types"
scen(C, "name-integer", sub(R, "name: rfc-v2-el2", "name: 42"), "name")
scen(C, "name-list", sub(U, "name: upstream-el2", "name: [upstream, el2]"), "name")
scen(C, "name-mapping", sub(H, "name: hibernate-resume", "name: {id: hibernate-resume}"), "name")
scen(C, "name-boolean", sub(R1, "name: rfc-v2-el1", "name: true"), "name")
scen(C, "name-empty-string", sub(R, "name: rfc-v2-el2", 'name: ""'), "name")
scen(C, "description-list", sub(R, "description: RFC v2 (31 Jul 2019)", "description:\n  - RFC v2 (31 Jul 2019)\n  -"), "description")
scen(C, "description-number", sub(H, "description: RFC v2 3/8 hibernate resume with trans_table, at EL1, 64 MB restore image", "description: 3.8"), "description")
scen(C, "regime-integer", sub(R, "regime: el2", "regime: 2"), "regime")
scen(C, "regime-list", sub(U, "regime: el2", "regime: [el1, el2]"), "regime")
scen(C, "regime-unknown", sub(R, "regime: el2", "regime: el3"), "regime")
scen(C, "regime-empty", sub(R1, "regime: el1", 'regime: ""'), "regime")
scen(C, "registers-list", sub(H, "registers:\n  SCTLR_EL1: 0x30f4d91d\n  TCR_EL1: 0x14b5503510\n  MAIR_EL1: 0xbbff440c0400\n  ID_AA64MMFR0_EL1: 0x1124",
                              "registers:\n  - SCTLR_EL1 0x30f4d91d\n  - TCR_EL1 0x14b5503510\n  - MAIR_EL1 0xbbff440c0400\n  - ID_AA64MMFR0_EL1 0x1124"), "registers")
scen(C, "registers-string", R[: R.index("registers:")] + "registers: SCTLR_EL2=0x30e5183f TCR_EL2=0x80843510\n" + R[R.index("ram:"):], "registers")
scen(C, "register-boolean", sub(R, "SCTLR_EL2: 0x30e5183f", "SCTLR_EL2: true"), "registers.SCTLR_EL2")
scen(C, "register-float", sub(U, "MAIR_EL1: 0xbbff440c0400", "MAIR_EL1: 2.06e14"), "registers.MAIR_EL1")
scen(C, "register-negative", sub(R, "HCR_EL2: 0x80000000", "HCR_EL2: -2147483648"), "registers.HCR_EL2")
scen(C, "register-negative-hex-string", sub(H, "TCR_EL1: 0x14b5503510", 'TCR_EL1: "-0x14b5503510"'), "registers.TCR_EL1")
scen(C, "register-list", sub(R, "VBAR_EL2: 0x40090800", "VBAR_EL2: [0x40090800]"), "registers.VBAR_EL2")
scen(C, "register-mapping", sub(R1, "TTBR0_EL1: 0x1b3069000", "TTBR0_EL1: {baddr: 0x1b3069000, asid: 0}"), "registers.TTBR0_EL1")
scen(C, "register-null", sub(U, "SCTLR_EL2: 0x30c50830", "SCTLR_EL2: ~"), "registers.SCTLR_EL2")
scen(C, "register-word", sub(R, "TCR_EL2: 0x80843510", "TCR_EL2: default"), "registers.TCR_EL2")
scen(C, "register-bad-hex-digit", sub(R, "MAIR_EL2: 0xbbff440c0400", "MAIR_EL2: 0xbbff440g0400"), "registers.MAIR_EL2")
scen(C, "register-bad-binary-digit", sub(H, "ID_AA64MMFR0_EL1: 0x1124", 'ID_AA64MMFR0_EL1: "0b1000100102"'), "registers.ID_AA64MMFR0_EL1")
scen(C, "register-multiline-string", sub(R, "SCTLR_EL2: 0x30e5183f", 'SCTLR_EL2: "0x30e5\\n183f"'), "registers.SCTLR_EL2")
scen(C, "ram-mapping-not-list", sub(R, "ram:\n  - {base: 0x40000000, size: 8G}", "ram: {base: 0x40000000, size: 8G}"), "ram")
scen(C, "ram-empty-list", sub(U, "ram:\n  - {base: 0x40000000, size: 8G}", "ram: []"), "ram")
scen(C, "ram-string", sub(H, "ram:\n  - {base: 0x40000000, size: 4G}", "ram: 4G"), "ram")
scen(C, "ram-entry-string", sub(R, "  - {base: 0x40000000, size: 8G}", '  - "0x40000000-0x23fffffff"'), "ram[0]")
scen(C, "ram-entry-list", sub(R1, "  - {base: 0x40000000, size: 8G}", "  - [0x40000000, 8G]"), "ram[0]")
scen(C, "ram-base-boolean", sub(R, "{base: 0x40000000, size: 8G}", "{base: true, size: 8G}"), "ram[0].base")
scen(C, "ram-base-negative", sub(U, "{base: 0x40000000, size: 8G}", "{base: -0x40000000, size: 8G}"), "ram[0].base")
scen(C, "ram-base-float", sub(H, "{base: 0x40000000, size: 4G}", "{base: 1.073741824e9, size: 4G}"), "ram[0].base")
scen(C, "ram-size-boolean", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: false}"), "ram[0].size")
scen(C, "ram-size-list", sub(R1, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: [4G, 4G]}"), "ram[0].size")
scen(C, "ram-size-negative", sub(U, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: -8G}"), "ram[0].size")
scen(C, "ram-size-fraction", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 7.5G}"), "ram[0].size")
scen(C, "ram-size-float", sub(H, "{base: 0x40000000, size: 4G}", "{base: 0x40000000, size: 4.294967296e9}"), "ram[0].size")
scen(C, "ram-size-unknown-unit", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 8X}"), "ram[0].size")
scen(C, "kimage-list", sub(R, "kimage:\n  segments:", "kimage:\n  - segments:"), "kimage")
scen(C, "segments-mapping", sub(U, "  segments:\n    - {name: kernel", "  segments:\n    kernel: {name: kernel").replace(
    "    - {name: initramfs", "    initramfs: {name: initramfs").replace("    - {name: dtb", "    dtb: {name: dtb"), "kimage.segments")
scen(C, "segments-empty", sub(H, "  segments:\n    - {name: restore-image, size: 64M, dest: 0x41000000}", "  segments: []"), "kimage.segments")
scen(C, "segment-string", sub(R, "    - {name: initramfs, size: 12M, dest: 0x48000000}", "    - initramfs"), "kimage.segments[1]")
scen(C, "segment-name-integer", sub(R1, "{name: kernel, size: 13M", "{name: 1, size: 13M"), "kimage.segments[0].name")
scen(C, "segment-name-list", sub(U, "{name: dtb,", "{name: [dtb],"), "kimage.segments[2].name")
scen(C, "segment-size-bad-suffix", sub(R, "size: 12M", "size: 12Q"), "kimage.segments[1].size")
scen(C, "segment-size-boolean", sub(H, "size: 64M", "size: true"), "kimage.segments[0].size")
scen(C, "segment-size-negative", sub(R, "size: 64K", "size: -64K"), "kimage.segments[2].size")
scen(C, "segment-size-float", sub(UK, "size: 13M", "size: 13.5M"), "kimage.segments[0].size")
scen(C, "segment-dest-word", sub(R, "dest: 0x48000000", "dest: initramfs_base"), "kimage.segments[1].dest")
scen(C, "segment-dest-float", sub(U, "dest: 0x4fe00000", "dest: 1.3387e9"), "kimage.segments[2].dest")
scen(C, "segment-dest-mapping", sub(H, "dest: 0x41000000", "dest: {pa: 0x41000000}"), "kimage.segments[0].dest")
scen(C, "placement-list", R[: R.index("placement:")] + "placement:\n  - 0x1b3069000\n  - 0x1b4000000\n" + R[R.index("tables:"):], "placement")
scen(C, "control-pages-boolean", sub(U, "control_pages: 0x1b3069000", "control_pages: yes please"), "placement.control_pages")
scen(C, "sources-list", sub(R, "sources: 0x1b4000000", "sources: [0x1b4000000, 0x1b5000000]"), "placement.sources")
scen(C, "kimage-address-word", sub(H, "kimage: 0x10ff00000", "kimage: kmalloc"), "placement.kimage")
scen(C, "old-kernel-scalar", sub(R, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: 0x40080000"), "placement.old_kernel")
scen(C, "old-kernel-size-boolean", sub(U, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x40080000, size: true}"), "placement.old_kernel.size")
scen(C, "hyp-stub-vectors-float", sub(R, "hyp_stub_vectors: 0x40090800", "hyp_stub_vectors: 1.07e9"), "placement.hyp_stub_vectors")
scen(C, "kernel-vectors-negative", sub(U, "kernel_vectors: 0xffff800010010800", "kernel_vectors: -0x7fffeffefff800"), "placement.kernel_vectors")
scen(C, "tables-string", sub(R, "tables:\n  builder: rfc-v2-trans-table", "tables: rfc-v2-trans-table"), "tables")
scen(C, "tables-list", sub(H, "tables:\n  builder: hibernate-resume", "tables:\n  - builder: hibernate-resume"), "tables")
scen(C, "builder-integer", sub(R, "builder: rfc-v2-trans-table", "builder: 2"), "tables.builder")
scen(C, "builder-list", sub(U, "builder: upstream-trans-pgd", "builder: [upstream-trans-pgd]"), "tables.builder")
scen(C, "options-list", sub(RF, "  options:\n    code_prot: PAGE_HYP_EXEC\n    vectors: copy", "  options: [code_prot, vectors]"), "tables.options")
scen(C, "option-value-list", sub(RF, "code_prot: PAGE_HYP_EXEC", "code_prot: [PAGE_HYP_EXEC]"), "tables.options.code_prot")
scen(C, "option-value-mapping", sub(UK, "kimage_reads: after_copy", "kimage_reads: {when: after_copy}"), "tables.options.kimage_reads")
scen(C, "mappings-mapping", sub(EXPLICIT, "  mappings:\n    - {va: 0x1b306a000", "  mappings:\n    code: {va: 0x1b306a000").replace(
    "    - {va: 0x40080000", "    data: {va: 0x40080000"), "tables.mappings")
scen(C, "mapping-string", sub(EXPLICIT, "    - {va: 0x40080000, size: 25M, prot: PAGE_KERNEL}", "    - 0x40080000"), "tables.mappings[1]")
scen(C, "mapping-va-boolean", sub(EXPLICIT, "{va: 0x1b306a000, size: 4K", "{va: false, size: 4K"), "tables.mappings[0].va")
scen(C, "mapping-attrs-word", sub(EXPLICIT, "prot: PAGE_KERNEL}", "attrs: kernel}"), "tables.mappings[1].attrs")
scen(C, "entries-mapping", R + "  entries: {address: 0x1b3069000, value: 0}\n", "tables.entries")
scen(C, "entry-scalar", R + "  entries:\n    - 0x1b3069000\n", "tables.entries[0]")
scen(C, "entry-value-boolean", U + "  entries:\n    - {address: 0x1b3069000, value: false}\n", "tables.entries[0].value")
scen(C, "entry-address-word", H + "  entries:\n    - {address: root, value: 0x3}\n", "tables.entries[0].address")
scen(C, "dump-list", sub(D, "dump: |                          # pasted as in the cover letter\n  MAIR_EL2       0xbbff440c0400",
                         "dump:\n  - MAIR_EL2       0xbbff440c0400").replace("\n  TCR_EL2        0x80843510\n  SCTLR_EL2\t0x30e5183f\n  TTBR0_EL2      0x1b3069000", ""), "dump")
scen(C, "dump-number", sub(R, "registers:\n", "dump: 0x80843510\nregisters:\n"), "dump")

# ---- unknown-fields -----------------------------------------------------------------------------
C = "unknown-fields"
scen(C, "top-level-typo-regimes", sub(R, "regime: el2", "regimes: el2"), "regimes")
scen(C, "top-level-capitalised-name", sub(U, "name: upstream-el2", "Name: upstream-el2"), "Name")
scen(C, "top-level-ttbr0", sub(R, "ram:\n", "ttbr0: 0x1b3069000\nram:\n"), "ttbr0")
scen(C, "top-level-segments", H + "segments: []\n", "segments")
scen(C, "top-level-expected-verdict", R1 + "expected: proved\n", "expected")
scen(C, "ram-end", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 8G, end: 0x240000000}"), "ram[0].end")
scen(C, "ram-second-entry-node", sub(U, "  - {base: 0x40000000, size: 8G}", "  - {base: 0x40000000, size: 4G}\n  - {base: 0x140000000, size: 4G, node: 1}"), "ram[1].node")
scen(C, "kimage-entries", sub(R, "kimage:\n  segments:", "kimage:\n  entries: 6420\n  segments:"), "kimage.entries")
scen(C, "kimage-head", sub(H, "kimage:\n  segments:", "kimage:\n  head: 0x110000000\n  segments:"), "kimage.head")
scen(C, "segment-src", sub(R, "{name: initramfs, size: 12M, dest: 0x48000000}", "{name: initramfs, size: 12M, dest: 0x48000000, src: 0x1b4d00000}"), "kimage.segments[1].src")
scen(C, "segment-memsz", sub(U, "{name: dtb, size: 64K, dest: 0x4fe00000}", "{name: dtb, size: 64K, memsz: 64K, dest: 0x4fe00000}"), "kimage.segments[2].memsz")
scen(C, "placement-vbar", sub(R, "  hyp_stub_vectors: 0x40090800", "  hyp_stub_vectors: 0x40090800\n  vbar: 0x40090800"), "placement.vbar")
scen(C, "placement-typo-control-page", sub(U, "control_pages: 0x1b3069000", "control_page: 0x1b3069000"), "placement.control_page")
scen(C, "placement-hyp-vectors-typo", sub(R, "hyp_stub_vectors:", "hyp_stub_vector:"), "placement.hyp_stub_vector")
scen(C, "old-kernel-end", sub(R1, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x40080000, size: 32M, end: 0x42080000}"), "placement.old_kernel.end")
scen(C, "tables-root", sub(R, "  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  root: 0x1b3069000"), "tables.root")
scen(C, "tables-levels", sub(H, "  builder: hibernate-resume", "  builder: hibernate-resume\n  levels: 4"), "tables.levels")
scen(C, "option-typo-code-port", sub(RF, "code_prot: PAGE_HYP_EXEC", "code_port: PAGE_HYP_EXEC"), "tables.options.code_port")
scen(C, "option-vector-singular", sub(RF, "vectors: copy", "vector: copy"), "tables.options.vector")
scen(C, "option-ttbr0", sub(U, "  builder: upstream-trans-pgd", "  builder: upstream-trans-pgd\n  options:\n    ttbr0: 0x1b3069000"), "tables.options.ttbr0")
scen(C, "mapping-perm", sub(EXPLICIT, "{va: 0x1b306a000, size: 4K, prot: PAGE_HYP_EXEC}", "{va: 0x1b306a000, size: 4K, prot: PAGE_HYP_EXEC, perm: rx}"), "tables.mappings[0].perm")
scen(C, "mapping-level", sub(EXPLICIT, "{va: 0x40080000, size: 25M, prot: PAGE_KERNEL}", "{va: 0x40080000, size: 25M, prot: PAGE_KERNEL, level: 3}"), "tables.mappings[1].level")
scen(C, "entry-level", R + "  entries:\n    - {address: 0x1b3069000, value: 0x1b306c003, level: 0}\n", "tables.entries[0].level")
scen(C, "entry-comment-key", U + "  entries:\n    - {address: 0x1b306a000, value: 0x1b306b003}\n    - {address: 0x1b306a008, value: 0, why: clear}\n", "tables.entries[1].why")

# ---- missing-fields -----------------------------------------------------------------------------
C = "missing-fields"
scen(C, "name", lines_without(R, "name: rfc-v2-el2"), "name")
scen(C, "name-null", sub(U, "name: upstream-el2", "name: ~"), "name")
scen(C, "regime", lines_without(R, "regime:"), "regime")
scen(C, "regime-empty-value", sub(H, "regime: el1", "regime:"), "regime")
scen(C, "ram", sub(R, "ram:\n  - {base: 0x40000000, size: 8G}\n", ""), "ram")
scen(C, "ram-null", sub(U, "ram:\n  - {base: 0x40000000, size: 8G}\n", "ram:\n"), "ram")
scen(C, "ram-base", sub(R, "{base: 0x40000000, size: 8G}", "{size: 8G}"), "ram[0].base")
scen(C, "ram-size", sub(H, "{base: 0x40000000, size: 4G}", "{base: 0x40000000}"), "ram[0].size")
scen(C, "kimage", sub(R1, "kimage:\n  segments:\n    - {name: kernel, size: 13M, dest: 0x40080000}\n    - {name: initramfs, size: 12M, dest: 0x48000000}\n    - {name: dtb, size: 64K, dest: 0x4fe00000}\n", ""), "kimage")
scen(C, "kimage-segments", sub(H, "kimage:\n  segments:\n    - {name: restore-image, size: 64M, dest: 0x41000000}", "kimage: {}"), "kimage.segments")
scen(C, "segment-name", sub(R, "{name: initramfs, size: 12M", "{size: 12M"), "kimage.segments[1].name")
scen(C, "segment-name-empty", sub(U, "{name: dtb,", "{name: '',"), "kimage.segments[2].name")
scen(C, "segment-size", sub(R, "size: 64K, dest", "dest"), "kimage.segments[2].size")
scen(C, "segment-dest", sub(UK, ", dest: 0x40080000}", "}"), "kimage.segments[0].dest")
scen(C, "segment-dest-null", sub(H, "dest: 0x41000000", "dest: null"), "kimage.segments[0].dest")
scen(C, "placement", R[: R.index("placement:")] + R[R.index("tables:"):], "placement")
scen(C, "control-pages", lines_without(R, "control_pages:"), "placement.control_pages")
scen(C, "sources", lines_without(U, "sources:"), "placement.sources")
scen(C, "placement-kimage", lines_without(H, "kimage: 0x10ff00000"), "placement.kimage")
scen(C, "old-kernel", lines_without(R, "old_kernel:"), "placement.old_kernel")
scen(C, "old-kernel-base", sub(U, "{base: 0x40080000, size: 32M}", "{size: 32M}"), "placement.old_kernel.base")
scen(C, "old-kernel-size", sub(R1, "{base: 0x40080000, size: 32M}", "{base: 0x40080000}"), "placement.old_kernel.size")
scen(C, "tables", R[: R.index("tables:")], "tables")
scen(C, "tables-builder", sub(RF, "  builder: rfc-v2-trans-table\n", ""), "tables.builder")
scen(C, "mapping-va", sub(EXPLICIT, "{va: 0x40080000, size: 25M", "{pa: 0x40080000, size: 25M"), "tables.mappings[1].va")
scen(C, "mapping-prot-and-attrs", sub(EXPLICIT, "{va: 0x1b306a000, size: 4K, prot: PAGE_HYP_EXEC}", "{va: 0x1b306a000, size: 4K}"), "tables.mappings[0]")
scen(C, "entry-address", R + "  entries:\n    - {value: 0x1b306c003}\n", "tables.entries[0].address")
scen(C, "entry-value", H + "  entries:\n    - {address: 0x100007000}\n", "tables.entries[0].value")
scen(C, "register-sctlr-el1-for-upstream", lines_without(U, "SCTLR_EL1:"), "registers.SCTLR_EL1")
scen(C, "register-tcr-el1-for-hibernate", lines_without(H, "TCR_EL1:"), "registers.TCR_EL1")
scen(C, "register-mair-el1-for-upstream", lines_without(UO, "MAIR_EL1:"), "registers.MAIR_EL1")
scen(C, "register-tcr-el2-for-rfc", lines_without(R, "TCR_EL2:"), "registers.TCR_EL2")
scen(C, "register-sctlr-el1-for-rfc-el1", lines_without(R1, "SCTLR_EL1:"), "registers.SCTLR_EL1")
scen(C, "explicit-code-va", sub(EXPLICIT, "  options:\n    code_va: 0x1b306a000\n", ""), "tables.options.code_va")

# ---- sizes --------------------------------------------------------------------------------------
C = "sizes"
scen(C, "ram-size-2-pow-64", sub(R, "size: 8G}", "size: 0x10000000000000000}"), "ram[0].size")
scen(C, "ram-size-16-exbibytes", sub(U, "size: 8G}", "size: 16384P}"), "ram[0].size")
scen(C, "ram-size-20-digits", sub(H, "size: 4G}", "size: 99999999999999999999}"), "ram[0].size")
scen(C, "ram-size-2-pow-63", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x0, size: 0x8000000000000000}"), "ram[0].size")
scen(C, "ram-size-almost-2-pow-64", sub(U, "{base: 0x40000000, size: 8G}", "{base: 0x0, size: 0xfffffffffffff000}"), "ram[0].size")
scen(C, "ram-wraps-past-2-pow-64", sub(R1, "{base: 0x40000000, size: 8G}", "{base: 0xffffffff00000000, size: 8G}"), "ram[0]")
scen(C, "ram-size-zero", sub(R, "size: 8G}", "size: 0}"), "ram[0].size")
scen(C, "ram-size-only-underscores", sub(H, "size: 4G}", "size: ___}"), "ram[0].size")
scen(C, "ram-size-hex-prefix-only", sub(R, "size: 8G}", "size: 0x}"), "ram[0].size")
scen(C, "ram-size-hex-underscore-only", sub(U, "size: 8G}", "size: 0x_}"), "ram[0].size")
scen(C, "ram-size-many-digits", sub(R, "size: 8G}", 'size: "' + "9" * 300000 + '"}'), "ram[0].size")
scen(C, "register-million-decimal-digits", sub(R, "SCTLR_EL2: 0x30e5183f", 'SCTLR_EL2: "' + "1" * 300000 + '"'), "registers.SCTLR_EL2")
scen(C, "register-many-hex-digits", sub(U, "TCR_EL1: 0x14b5503510", 'TCR_EL1: "0x' + "f" * 100000 + '"'), "registers.TCR_EL1")
scen(C, "size-many-spaces", sub(H, "size: 64M", 'size: "64' + " " * 200000 + 'Q"'), "kimage.segments[0].size")
scen(C, "segment-size-zero", sub(R, "size: 12M", "size: 0"), "kimage.segments[1].size")
scen(C, "segment-size-past-2-pow-64", sub(U, "size: 13M", "size: 17179869184G"), "kimage.segments[0].size")
scen(C, "segment-size-2-pow-64-minus-1", sub(R, "size: 64K", "size: 0xffffffffffffffff"), "kimage.segments[2]")
scen(C, "segment-size-1-exbibyte", sub(R1, "size: 13M", "size: 1024P"), "kimage.segments[0]")
big = sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 64G}")
big = sub(big, "{name: kernel, size: 13M, dest: 0x40080000}", "{name: kernel, size: 13M, dest: 0x40080000}\n    - {name: initramfs-huge, size: 17G, dest: 0x800000000}")
scen(C, "segments-total-past-16-gib", big, "kimage.segments")
big = sub(U, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 64G}")
big = sub(big, "{name: initramfs, size: 12M, dest: 0x48000000}", "{name: initramfs, size: 6G, dest: 0x100000000}\n    - {name: rootfs-a, size: 6G, dest: 0x300000000}\n    - {name: rootfs-b, size: 6G, dest: 0x500000000}")
scen(C, "segments-sum-past-16-gib", big, "kimage.segments")
scen(C, "old-kernel-size-past-2-pow-64", sub(R, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x40080000, size: 32E}"), "placement.old_kernel.size")
scen(C, "old-kernel-size-zero", sub(H, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x40080000, size: 0}"), "placement.old_kernel.size")
tb = sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 8T}")
scen(C, "old-kernel-size-4-tib", sub(tb, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x40080000, size: 4T}"), "placement.old_kernel.size")
scen(C, "register-2-pow-64", sub(R, "TTBR0_EL2: 0x1b3069000", "TTBR0_EL2: 0x10000000000000000"), "registers.TTBR0_EL2")
scen(C, "register-decimal-2-pow-64", sub(H, "SCTLR_EL1: 0x30f4d91d", "SCTLR_EL1: 18446744073709551616"), "registers.SCTLR_EL1")
scen(C, "register-binary-65-bits", sub(R1, "MAIR_EL1: 0xbbff440c0400", 'MAIR_EL1: "0b1' + "0" * 64 + '"'), "registers.MAIR_EL1")
scen(C, "explicit-mapping-past-1-tib", sub(EXPLICIT, "{va: 0x40080000, size: 25M, prot: PAGE_KERNEL}", "{va: 0x40000000, size: 2T, prot: PAGE_KERNEL}"), "tables.mappings[1].size")
scen(C, "entry-value-past-2-pow-64", R + "  entries:\n    - {address: 0x1b3069000, value: 0x1000000001b306c003}\n", "tables.entries[0].value")
scen(C, "entry-address-past-2-pow-64", U + "  entries:\n    - {address: 0x100000001b306a000, value: 0}\n", "tables.entries[0].address")
huge = sub(U, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 0x7fffffc0000000}")
scen(C, "linear-map-ram-32-pib", huge, "ram")
huge = sub(H, "{base: 0x40000000, size: 4G}", "{base: 0x40000000, size: 1024T}")
scen(C, "linear-map-ram-1-pib-hibernate", huge, "ram")

# ---- misaligned ---------------------------------------------------------------------------------
C = "misaligned"
scen(C, "ram-base", sub(R, "{base: 0x40000000, size: 8G}", "{base: 0x40000800, size: 8G}"), "ram[0].base")
scen(C, "ram-base-by-one", sub(H, "{base: 0x40000000, size: 4G}", "{base: 0x40000001, size: 4G}"), "ram[0].base")
scen(C, "ram-size", sub(U, "{base: 0x40000000, size: 8G}", "{base: 0x40000000, size: 0x200000800}"), "ram[0].size")
scen(C, "ram-second-range-base", sub(R1, "  - {base: 0x40000000, size: 8G}", "  - {base: 0x40000000, size: 8G}\n  - {base: 0x880000010, size: 1G}"), "ram[1].base")
scen(C, "segment-dest-kernel", sub(R, "dest: 0x40080000", "dest: 0x40080800"), "kimage.segments[0].dest")
scen(C, "segment-dest-initramfs", sub(U, "dest: 0x48000000", "dest: 0x48000004"), "kimage.segments[1].dest")
scen(C, "segment-dest-dtb", sub(R1, "dest: 0x4fe00000", "dest: 0x4fe00200"), "kimage.segments[2].dest")
scen(C, "segment-dest-restore-image", sub(H, "dest: 0x41000000", "dest: 0x41000010"), "kimage.segments[0].dest")
scen(C, "control-pages", sub(R, "control_pages: 0x1b3069000", "control_pages: 0x1b3069800"), "placement.control_pages")
scen(C, "control-pages-upstream", sub(U, "control_pages: 0x1b3069000", "control_pages: 0x1b3069008"), "placement.control_pages")
scen(C, "table-pages", sub(UO, "table_pages: 0x48100000", "table_pages: 0x48100008"), "placement.table_pages")
scen(C, "sources", sub(R, "sources: 0x1b4000000", "sources: 0x1b4000010"), "placement.sources")
scen(C, "sources-hibernate", sub(H, "sources: 0x110000000", "sources: 0x110000fff"), "placement.sources")
scen(C, "kimage-struct", sub(R, "kimage: 0x1b2f00000", "kimage: 0x1b2f00004"), "placement.kimage")
scen(C, "kimage-struct-upstream", sub(UK, "kimage: 0x48200000", "kimage: 0x48200001"), "placement.kimage")
scen(C, "old-kernel-base", sub(R1, "old_kernel: {base: 0x40080000", "old_kernel: {base: 0x40080100"), "placement.old_kernel.base")
scen(C, "hyp-stub-vectors", sub(R, "hyp_stub_vectors: 0x40090800", "hyp_stub_vectors: 0x40090900"), "placement.hyp_stub_vectors")
scen(C, "hyp-stub-vectors-fixed", sub(RF, "hyp_stub_vectors: 0x40090800", "hyp_stub_vectors: 0x40090804"), "placement.hyp_stub_vectors")
scen(C, "kernel-vectors", sub(U, "kernel_vectors: 0xffff800010010800", "kernel_vectors: 0xffff800010010810"), "placement.kernel_vectors")
scen(C, "kernel-vectors-el1", sub(R1, "kernel_vectors: 0xffff000010081800", "kernel_vectors: 0xffff000010081c00"), "placement.kernel_vectors")
scen(C, "mapping-va", sub(EXPLICIT, "{va: 0x1b306a000, size: 4K", "{va: 0x1b306a100, size: 4K"), "tables.mappings[0].va")
scen(C, "mapping-pa", sub(EXPLICIT, "{va: 0x40080000, size: 25M", "{va: 0x40080000, pa: 0x40080010, size: 25M"), "tables.mappings[1].pa")
scen(C, "entry-address", R + "  entries:\n    - {address: 0x1b3069003, value: 0}\n", "tables.entries[0].address")
scen(C, "entry-address-upstream", U + "  entries:\n    - {address: 0x1b306a004, value: 0x1b306b003}\n", "tables.entries[0].address")
scen(C, "ttbr0-not-the-root", sub(R, "TTBR0_EL2: 0x1b3069000", "TTBR0_EL2: 0x1b3069008"), "registers.TTBR0_EL2")

# ---- overlaps -----------------------------------------------------------------------------------
C = "overlaps"
scen(C, "ram-identical", sub(R, "  - {base: 0x40000000, size: 8G}", "  - {base: 0x40000000, size: 8G}\n  - {base: 0x40000000, size: 8G}"), "ram[1]")
scen(C, "ram-contained", sub(U, "  - {base: 0x40000000, size: 8G}", "  - {base: 0x40000000, size: 8G}\n  - {base: 0x80000000, size: 1G}"), "ram[1]")
scen(C, "ram-one-page", sub(H, "  - {base: 0x40000000, size: 4G}", "  - {base: 0x40000000, size: 4G}\n  - {base: 0x13ffff000, size: 4G}"), "ram[1]")
scen(C, "ram-containing-earlier", sub(R1, "  - {base: 0x40000000, size: 8G}", "  - {base: 0x80000000, size: 1G}\n  - {base: 0x40000000, size: 8G}"), "ram[1]")
scen(C, "ram-third-overlaps-first", sub(R, "  - {base: 0x40000000, size: 8G}", "  - {base: 0x40000000, size: 8G}\n  - {base: 0x1000000000, size: 1G}\n  - {base: 0x23ffff000, size: 8K}"), "ram[2]")
scen(C, "segments-initramfs-inside-kernel", sub(R, "dest: 0x48000000", "dest: 0x40100000"), "kimage.segments[1].dest")
scen(C, "segments-same-dest", sub(U, "{name: dtb, size: 64K, dest: 0x4fe00000}", "{name: dtb, size: 64K, dest: 0x40080000}"), "kimage.segments[2].dest")
scen(C, "segments-one-page", sub(R1, "dest: 0x48000000", "dest: 0x40d7f000"), "kimage.segments[1].dest")
scen(C, "segments-dtb-tail-in-initramfs", sub(UK, "dest: 0x4fe00000", "dest: 0x48bf8000"), "kimage.segments[2].dest")
scen(C, "segments-partial-page-overlap", sub(R, "{name: kernel, size: 13M, dest: 0x40080000}", "{name: kernel, size: 0xd00001, dest: 0x40080000}").replace(
    "dest: 0x48000000", "dest: 0x40d80000"), "kimage.segments[1].dest")
scen(C, "segments-restore-image-twice", sub(H, "    - {name: restore-image, size: 64M, dest: 0x41000000}", "    - {name: restore-image, size: 64M, dest: 0x41000000}\n    - {name: restore-tail, size: 4K, dest: 0x44fff000}"), "kimage.segments[1].dest")

# ---- outside-ram --------------------------------------------------------------------------------
C = "outside-ram"
scen(C, "segment-below-ram", sub(R, "dest: 0x40080000", "dest: 0x30000000"), "kimage.segments[0]")
scen(C, "segment-past-ram-end", sub(U, "dest: 0x4fe00000", "dest: 0x240000000"), "kimage.segments[2]")
scen(C, "segment-straddles-ram-end", sub(R1, "dest: 0x48000000", "dest: 0x23ff00000"), "kimage.segments[1]")
scen(C, "segment-straddles-ram-gap", sub(H, "  - {base: 0x40000000, size: 4G}", "  - {base: 0x40000000, size: 0x2000000}\n  - {base: 0x42000000, size: 3G}").replace(
    "dest: 0x41000000", "dest: 0x41800000"), "kimage.segments[0]")
scen(C, "control-pages-below-ram", sub(R, "control_pages: 0x1b3069000", "control_pages: 0x3f000000"), "placement.control_pages")
scen(C, "control-pages-past-ram", sub(U, "control_pages: 0x1b3069000", "control_pages: 0x240000000"), "placement.control_pages")
scen(C, "table-pages-past-ram", sub(UO, "table_pages: 0x48100000", "table_pages: 0x1000000000"), "placement.table_pages")
scen(C, "sources-past-ram", sub(R, "sources: 0x1b4000000", "sources: 0x300000000"), "placement.sources")
scen(C, "sources-at-zero", sub(H, "sources: 0x110000000", "sources: 0x0"), "placement.sources")
scen(C, "kimage-struct-past-ram", sub(R, "kimage: 0x1b2f00000", "kimage: 0x240000008"), "placement.kimage")
scen(C, "kimage-struct-below-ram", sub(U, "kimage: 0x1b2f00000", "kimage: 0x1000"), "placement.kimage")
scen(C, "old-kernel-below-ram", sub(R1, "old_kernel: {base: 0x40080000", "old_kernel: {base: 0x80000"), "placement.old_kernel")
scen(C, "old-kernel-straddles-ram-end", sub(R, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x23f000000, size: 32M}"), "placement.old_kernel")
scen(C, "entry-below-ram", R + "  entries:\n    - {address: 0x3ffffff8, value: 0}\n", "tables.entries[0].address")
scen(C, "entry-past-ram", H + "  entries:\n    - {address: 0x140000000, value: 0x3}\n", "tables.entries[0].address")
scen(C, "explicit-ttbr0-outside-ram", sub(EXPLICIT, "  VBAR_EL2: 0x40090800", "  TTBR0_EL2: 0x30000000\n  VBAR_EL2: 0x40090800"), "registers.TTBR0_EL2")

# ---- placement-exhausted ------------------------------------------------------------------------
C = "placement-exhausted"
scen(C, "old-kernel-covers-all-ram", sub(R, "old_kernel: {base: 0x40080000, size: 32M}", "old_kernel: {base: 0x40000000, size: 8G}"), "placement.control_pages")
scen(C, "control-pages-at-last-ram-page", sub(R, "control_pages: 0x1b3069000", "control_pages: 0x23ffff000").replace("TTBR0_EL2: 0x1b3069000", "TTBR0_EL2: 0x23ffff000"), "placement.control_pages")
scen(C, "control-pages-upstream-last-page", sub(U, "control_pages: 0x1b3069000", "control_pages: 0x23ffff000"), "placement.control_pages")
scen(C, "sources-at-last-ram-page", sub(R, "sources: 0x1b4000000", "sources: 0x23ffff000"), "placement.sources")
scen(C, "sources-hibernate-near-end", sub(H, "sources: 0x110000000", "sources: 0x13f000000"), "placement.sources")
scen(C, "table-pages-at-last-ram-page", sub(UO, "table_pages: 0x48100000", "table_pages: 0x23ffff000"), "placement.table_pages")

# ---- tables (raw entries making cyclic or out-of-RAM table pointers) ----------------------------
C = "tables"
def entries(base, *pairs):
    return base + "  entries:\n" + "".join("    - {address: 0x%x, value: 0x%x}\n" % p for p in pairs)
scen(C, "root-points-at-itself", entries(R, (0x1b3069000, 0x1b3069003)), "tables")
scen(C, "root-last-entry-points-at-root", entries(R, (0x1b3069ff8, 0x1b3069003)), "tables")
scen(C, "level1-points-back-at-root", entries(R, (0x1b306c030, 0x1b3069003)), "tables")
scen(C, "level2-points-at-level1", entries(R, (0x1b306dcc0, 0x1b306c003)), "tables")
scen(C, "two-page-cycle-through-free-page", entries(R, (0x1b3069008, 0x100000003), (0x100000000, 0x1b3069003)), "tables")
scen(C, "level1-self-loop", entries(R, (0x1b306c000, 0x1b306c003)), "tables")
scen(C, "rfc-el1-root-self", entries(R1, (0x1b3069000, 0x1b3069003)), "tables")
scen(C, "upstream-ttbr1-root-self", entries(U, (0x1b306a000, 0x1b306a003)), "tables")
scen(C, "upstream-ttbr1-level1-to-root", entries(U, (0x1b306b028, 0x1b306a003)), "tables")
scen(C, "upstream-level2-to-level1", entries(UK, (0x1b3071c00, 0x1b306b003)), "tables")
scen(C, "hibernate-ttbr0-root-self", entries(H, (0x100007000, 0x100007003)), "tables")
scen(C, "hibernate-level2-to-root", entries(H, (0x100009000, 0x100007003)), "tables")
scen(C, "root-entry-below-ram", entries(R, (0x1b3069000, 0x10000003)), "tables")
scen(C, "root-entry-max-address", entries(R, (0x1b3069000, 0xfffffffff003)), "tables")
scen(C, "level1-entry-past-ram", entries(R, (0x1b306c030, 0x240000003)), "tables")
scen(C, "level2-entry-at-zero", entries(R1, (0x1b306dcc0, 0x3)), "tables")
scen(C, "upstream-ttbr1-entry-outside", entries(U, (0x1b306a008, 0x8000000003)), "tables")
scen(C, "upstream-level1-entry-outside", entries(UO, (0x48101028, 0x20000003)), "tables")
scen(C, "hibernate-level1-entry-outside", entries(H, (0x100008020, 0x1000000003)), "tables")
scen(C, "explicit-root-entry-outside", entries(EXPLICIT, (0x1b3069000, 0x30000003)), "tables")
scen(C, "explicit-root-self", entries(EXPLICIT, (0x1b3069000, 0x1b3069003)), "tables")
scen(C, "registers-t0sz-zero", sub(R, "TCR_EL2: 0x80843510", "TCR_EL2: 0x80843500"), "registers.TCR_EL2")
scen(C, "registers-t0sz-63", sub(R, "TCR_EL2: 0x80843510", "TCR_EL2: 0x8084353f"), "registers.TCR_EL2")
scen(C, "registers-t0sz-40-explicit", sub(EXPLICIT, "TCR_EL2: 0x80843510", "TCR_EL2: 0x80843528"), "registers.TCR_EL2")
scen(C, "registers-t1sz-zero-upstream", sub(U, "TCR_EL1: 0x14b5503510", "TCR_EL1: 0x14b5403510"), "registers.TCR_EL1")
scen(C, "registers-t1sz-63-upstream", sub(UK, "TCR_EL1: 0x14b5503510", "TCR_EL1: 0x14b57f3510"), "registers.TCR_EL1")
scen(C, "registers-t0sz-zero-hibernate", sub(H, "TCR_EL1: 0x14b5503510", "TCR_EL1: 0x14b5503500"), "registers.TCR_EL1")
scen(C, "registers-t0sz-zero-rfc-el1", sub(R1, "TCR_EL1: 0x14b5503510", "TCR_EL1: 0x14b5503500"), "registers.TCR_EL1")

# ---- entry-lists (the kimage entry list corrupted through raw entries) ---------------------------
C = "entry-lists"
IND = 0x1b4000000 + (3328 + 3072 + 16) * 4096   # first indirection page of the rfc-v2/upstream layouts
IND_H = 0x110000000 + 16384 * 4096               # hibernate-resume: after 64 MB of sources
scen(C, "indirection-loops-to-itself", entries(R, (IND + 511 * 8, IND | 2)), "tables.entries")
scen(C, "second-page-loops-to-first", entries(R, (IND + 0x1000 + 511 * 8, IND | 2)), "tables.entries")
scen(C, "upstream-loop", entries(U, (IND + 511 * 8, IND | 2)), "tables.entries")
scen(C, "hibernate-loop", entries(H, (IND_H + 511 * 8, IND_H | 2)), "tables.entries")
scen(C, "unterminated-first-page", entries(R, (IND + 511 * 8, 0)), "tables.entries")
scen(C, "unterminated-hibernate", entries(H, (IND_H + 511 * 8, 0)), "tables.entries")
scen(C, "indirection-outside-ram", entries(R, (IND + 511 * 8, 0x10000002)), "tables.entries")
scen(C, "source-outside-ram", entries(R, (IND + 8, 0x300000008)), "tables.entries")
scen(C, "entry-with-two-flags", entries(U, (IND + 8, 0x1b4001009)), "tables.entries")
scen(C, "source-before-destination", entries(R, (IND, 0x1b4000008)), "tables.entries")
scen(C, "destination-outside-ram", entries(UK, (IND, 0x300000001)), "tables.entries")

# ---- registers ----------------------------------------------------------------------------------
C = "registers"
scen(C, "ttbr0-el2-differs-from-root", sub(R, "TTBR0_EL2: 0x1b3069000", "TTBR0_EL2: 0x1b306b000"), "registers.TTBR0_EL2")
scen(C, "ttbr0-el2-fixed-differs", sub(RF, "TTBR0_EL2: 0x1b3069000", "TTBR0_EL2: 0x40000000"), "registers.TTBR0_EL2")
scen(C, "ttbr0-el1-differs-from-root", sub(R1, "TTBR0_EL1: 0x1b3069000", "TTBR0_EL1: 0x1b306a000"), "registers.TTBR0_EL1")
scen(C, "ttbr0-from-dump-differs", sub(D, "  TTBR0_EL2      0x1b3069000", "  TTBR0_EL2      0x1b3068000"), "registers.TTBR0_EL2")
scen(C, "unknown-register-ttbr2", sub(R, "TTBR0_EL2: 0x1b3069000", "TTBR2_EL2: 0x1b3069000"), "registers.TTBR2_EL2")
scen(C, "unknown-register-el3", sub(R, "SCTLR_EL2: 0x30e5183f", "SCTLR_EL3: 0x30e5183f"), "registers.SCTLR_EL3")
scen(C, "unknown-register-x0", sub(U, "  HCR_EL2: 0x80000000", "  HCR_EL2: 0x80000000\n  X0: 0x1b2f00000"), "registers.X0")
scen(C, "unknown-register-pc", sub(H, "  ID_AA64MMFR0_EL1: 0x1124", "  ID_AA64MMFR0_EL1: 0x1124\n  PC: 0x100000000"), "registers.PC")
scen(C, "unknown-register-mmfr9", sub(R1, "ID_AA64MMFR0_EL1: 0x1124", "ID_AA64MMFR9_EL1: 0x1124"), "registers.ID_AA64MMFR9_EL1")
scen(C, "unknown-register-empty-name", sub(R, "  HCR_EL2: 0x80000000", '  "": 0x80000000'), "registers.")
scen(C, "unknown-register-hyphen", sub(U, "TCR_EL1: 0x14b5503510", "TCR-EL1: 0x14b5503510"), "registers.TCR-EL1")
scen(C, "wider-than-64-bits-hex", sub(R, "SCTLR_EL2: 0x30e5183f", "SCTLR_EL2: 0x130e5183f00000000"), "registers.SCTLR_EL2")
scen(C, "wider-than-64-bits-decimal", sub(R1, "SCTLR_EL1: 0x30f4d91d", "SCTLR_EL1: 36893488147419103232"), "registers.SCTLR_EL1")
scen(C, "wider-than-64-bits-vbar", sub(R, "VBAR_EL2: 0x40090800", "VBAR_EL2: 0xffff0000400908000"), "registers.VBAR_EL2")
scen(C, "wider-than-64-bits-mmfr0", sub(U, "ID_AA64MMFR0_EL1: 0x1124", 'ID_AA64MMFR0_EL1: "0x1_0000_0000_0000_1124"'), "registers.ID_AA64MMFR0_EL1")
scen(C, "wider-than-64-bits-hcr", sub(H, "  ID_AA64MMFR0_EL1: 0x1124", "  ID_AA64MMFR0_EL1: 0x1124\n  HCR_EL2: 0x100000000080000000"), "registers.HCR_EL2")

# ---- builders -----------------------------------------------------------------------------------
C = "builders"
scen(C, "unknown-builder-rfc-v3", sub(R, "builder: rfc-v2-trans-table", "builder: rfc-v3-trans-table"), "tables.builder")
scen(C, "unknown-builder-uppercase", sub(R1, "builder: rfc-v2-trans-table", "builder: RFC-V2-TRANS-TABLE"), "tables.builder")
scen(C, "unknown-builder-trans-pgd", sub(U, "builder: upstream-trans-pgd", "builder: trans_pgd"), "tables.builder")
scen(C, "unknown-builder-hibernate", sub(H, "builder: hibernate-resume", "builder: hibernate"), "tables.builder")
scen(C, "builder-empty", sub(RF, "builder: rfc-v2-trans-table", 'builder: ""'), "tables.builder")
scen(C, "builder-null", sub(UO, "builder: upstream-trans-pgd", "builder: ~"), "tables.builder")
scen(C, "unknown-option-ttbr1", sub(RF, "vectors: copy", "vectors: copy\n    ttbr1: 0"), "tables.options.ttbr1")
scen(C, "unknown-option-uppercase", sub(RF, "code_prot: PAGE_HYP_EXEC", "CODE_PROT: PAGE_HYP_EXEC"), "tables.options.CODE_PROT")
scen(C, "code-prot-typo", sub(RF, "code_prot: PAGE_HYP_EXEC", "code_prot: PAGE_HYP_EXECC"), "tables.options.code_prot")
scen(C, "code-prot-lowercase-word", sub(RF, "code_prot: PAGE_HYP_EXEC", "code_prot: executable"), "tables.options.code_prot")
scen(C, "code-prot-bad-hex", sub(R, "  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  options:\n    code_prot: 0x0040000000000zz3"), "tables.options.code_prot")
scen(C, "code-prot-negative", sub(R, "  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  options:\n    code_prot: -1"), "tables.options.code_prot")
scen(C, "code-prot-wider-than-64-bits", sub(R1, "  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  options:\n    code_prot: 0x100000000000000713"), "tables.options.code_prot")
scen(C, "code-prot-hibernate-typo", sub(H, "  builder: hibernate-resume", "  builder: hibernate-resume\n  options:\n    code_prot: PAGE_KERNEL_EXEC_CONT"), "tables.options.code_prot")
scen(C, "data-prot-typo", sub(R, "  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  options:\n    data_prot: PAGE_KERNL"), "tables.options.data_prot")
scen(C, "vectors-boolean", sub(RF, "vectors: copy", "vectors: true"), "tables.options.vectors")
scen(C, "vectors-unknown", sub(RF, "vectors: copy", "vectors: relocate"), "tables.options.vectors")
scen(C, "vectors-empty", sub(RF, "vectors: copy", "vectors: ''"), "tables.options.vectors")
scen(C, "kimage-reads-unknown", sub(UK, "kimage_reads: after_copy", "kimage_reads: during_copy"), "tables.options.kimage_reads")
scen(C, "kimage-reads-uppercase", sub(UK, "kimage_reads: after_copy", "kimage_reads: AFTER_COPY"), "tables.options.kimage_reads")
scen(C, "kimage-reads-rfc", sub(R, "  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  options:\n    kimage_reads: never"), "tables.options.kimage_reads")
scen(C, "code-va-word", sub(EXPLICIT, "code_va: 0x1b306a000", "code_va: relocation_page"), "tables.options.code_va")
scen(C, "code-va-wider-than-64-bits", sub(EXPLICIT, "code_va: 0x1b306a000", "code_va: 0x1000000001b306a000"), "tables.options.code_va")
scen(C, "mapping-prot-and-attrs", sub(EXPLICIT, "{va: 0x1b306a000, size: 4K, prot: PAGE_HYP_EXEC}", "{va: 0x1b306a000, size: 4K, prot: PAGE_HYP_EXEC, attrs: 0x713}"), "tables.mappings[0]")
scen(C, "mapping-unknown-prot", sub(EXPLICIT, "prot: PAGE_KERNEL}", "prot: PAGE_KERNEL_RWX}"), "tables.mappings[1].prot")
scen(C, "mapping-va-beyond-t0sz", sub(EXPLICIT, "{va: 0x40080000, size: 25M", "{va: 0xffff000040080000, pa: 0x40080000, size: 25M"), "tables.mappings[1]")
scen(C, "mapping-remaps-a-page", sub(EXPLICIT, "    - {va: 0x40080000, size: 25M, prot: PAGE_KERNEL}",
                                     "    - {va: 0x40080000, size: 25M, prot: PAGE_KERNEL}\n    - {va: 0x40080000, pa: 0x50000000, size: 4K, prot: PAGE_KERNEL}"), "tables.mappings[2].va")

# ---- dump-in-scenario ---------------------------------------------------------------------------
C = "dump-in-scenario"
DL = "  TCR_EL2        0x80843510"
scen(C, "register-without-value", sub(D, DL, "  TCR_EL2"), "dump (line 2)")
scen(C, "value-before-register", sub(D, DL, "  0x80843510 TCR_EL2"), "dump (line 2)")
scen(C, "equals-without-value", sub(D, DL, "  TCR_EL2 ="), "dump (line 2)")
scen(C, "bad-hex-digit", sub(D, DL, "  TCR_EL2        0x8084351g"), "dump (line 2)")
scen(C, "hex-prefix-only", sub(D, DL, "  TCR_EL2        0x"), "dump (line 2)")
scen(C, "negative-value", sub(D, DL, "  TCR_EL2        -0x80843510"), "dump (line 2)")
scen(C, "wider-than-64-bits", sub(D, DL, "  TCR_EL2        0x1_0000_0000_8084_3510"), "dump (line 2)")
scen(C, "unknown-register", sub(D, DL, "  TCR_EL3        0x80843510"), "dump (line 2)")
scen(C, "two-values", sub(D, DL, "  TCR_EL2        0x80843510 0x80803510"), "dump (line 2)")
scen(C, "trailing-words", sub(D, DL, "  TCR_EL2        0x80843510 (PS=44 bits)"), "dump (line 2)")
scen(C, "kernel-log-prefix", sub(D, "  MAIR_EL2       0xbbff440c0400", "  [    0.000000] MAIR_EL2: 0xbbff440c0400"), "dump (line 1)")
scen(C, "bad-last-line", sub(D, "  TTBR0_EL2      0x1b3069000", "  TTBR0_EL2      0x1b3069000\n  ESR_EL2 0x96000000 FAR_EL2"), "dump (line 5)")
scen(C, "only-comments", sub(D, "  MAIR_EL2       0xbbff440c0400\n  TCR_EL2        0x80843510\n  SCTLR_EL2\t0x30e5183f\n  TTBR0_EL2      0x1b3069000",
                              "  # MAIR_EL2 0xbbff440c0400\n  # TCR_EL2 0x80843510"), "dump (line 1)")
scen(C, "empty-string", sub(R, "registers:\n", 'dump: ""\nregisters:\n'), "dump")
scen(C, "decimal-many-digits", sub(D, DL, "  TCR_EL2        " + "7" * 300000), "dump (line 2)")
scen(C, "long-whitespace-run", sub(D, DL, "  TCR_EL2" + " " * 200000 + "0x80843510 x"), "dump (line 2)")
scen(C, "mmfr0-as-binary-garbage", sub(D, DL, "  TCR_EL2        0b10000000100001000011010100012"), "dump (line 2)")

# ---- dump-files (decode --dump FILE) ------------------------------------------------------------
C = "dump-files"
DLINES = DUMP.rstrip("\n").split("\n")


def dump(name, lines, field):
    put(C, name + ".txt", "\n".join(lines) + "\n", field)


def with_line(i, text):
    out = list(DLINES)
    out.insert(i, text)
    return out


dump("register-without-value", with_line(1, "TCR_EL2"), "2")
dump("value-before-register", with_line(0, "0x80843510 TCR_EL2"), "1")
dump("equals-without-value", with_line(4, "VBAR_EL2 ="), "5")
dump("bad-hex-digit", with_line(2, "HCR_EL2 0x8000000g"), "3")
dump("hex-prefix-only", with_line(3, "VBAR_EL2 0x"), "4")
dump("negative-value", with_line(1, "HCR_EL2 -1"), "2")
dump("plus-sign", with_line(1, "HCR_EL2 +0x80000000"), "2")
dump("wider-than-64-bits", with_line(4, "TTBR1_EL2 0x1_0000_0000_0000_0000"), "5")
dump("decimal-wider-than-64-bits", with_line(0, "MAIR_EL2 18446744073709551616"), "1")
dump("unknown-register", with_line(2, "TTBR2_EL2 0x0"), "3")
dump("unknown-register-el3", with_line(0, "SCR_EL3 0x5b1"), "1")
dump("dup-register", with_line(4, "TCR_EL2 0x80843511"), "5")   # the last of two values must not silently win
dump("two-values", with_line(1, "TCR_EL2 0x80843510 0x80803510"), "2")
dump("trailing-words", with_line(2, "SCTLR_EL2 0x30e5183f (MMU on)"), "3")
dump("kernel-log-prefix", ["[    0.000000] " + l for l in DLINES], "1")
dump("comment-then-bad", ["# seed registers", ""] + DLINES + ["ESR_EL2 0x96000000 FAR_EL2"], "7")
dump("only-comments", ["# " + l for l in DLINES], "1")
dump("only-blank-lines", ["", "   ", "\t"], "1")
put(C, "empty.txt", b"", "1")
put(C, "binary-garbage.txt", garbage(11, 2048), "not UTF-8")
put(C, "latin1-comment.txt", ("# r\u00e9gistres EL2\n" + DUMP).encode("latin-1"), "not UTF-8")
put(C, "utf16-encoded.txt", DUMP.encode("utf-16"), "not UTF-8")
put(C, "cr-only-line-endings.txt", "\r".join(DLINES) + "\r", "1")
dump("long-whitespace-run", with_line(1, "TCR_EL2" + " " * 200000 + "0x80843510 x"), "2")
dump("decimal-many-digits", with_line(1, "TCR_EL2 " + "3" * 300000), "2")
dump("ttbr1-el2-without-vhe", ["HCR_EL2 0x80000000", "TTBR1_EL2 0x0"] + DLINES, "2")
dump("colon-and-equals", with_line(1, "TCR_EL2 := 0x80843510"), "2")
dump("register-name-with-dot", with_line(2, "TCR_EL2.T0SZ 16"), "3")
dump("nul-in-line", with_line(1, "TCR_EL2\x00 0x80843510"), "2")

# ---- itf (counterexample files) -----------------------------------------------------------------
C = "itf"


def base_itf():
    """A real counterexample: ./kexec-verify check scenarios/rfc-v2-el2.yaml, VECTORS_EXECUTABLE."""
    import subprocess
    import tempfile
    out = tempfile.mkdtemp()
    jar = os.path.join(REPO, "checker/target/kexec-verify.jar")
    cli = ["java", "-jar", jar] if os.path.exists(jar) else [os.path.join(REPO, "kexec-verify")]
    subprocess.run(cli + ["check", "scenarios/rfc-v2-el2.yaml", "--out", out, "--quiet"],
                   cwd=REPO, check=False, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "rfc-v2-el2.VECTORS_EXECUTABLE.model.itf.json"), encoding="utf-8") as f:
        text = f.read()
    shutil.rmtree(out)
    return text


CX_TEXT = base_itf()
CX = json.loads(CX_TEXT)


def itf(name, obj, field):
    put(C, name + ".itf.json", obj if isinstance(obj, (str, bytes)) else json.dumps(obj, indent=2) + "\n", field)


def edit(fn):
    o = json.loads(CX_TEXT)
    fn(o)
    return o


itf("missing-meta", edit(lambda o: o.pop("#meta")), "#meta")
itf("meta-is-a-string", edit(lambda o: o.__setitem__("#meta", "ITF")), "#meta.scenario")
itf("meta-is-a-list", edit(lambda o: o.__setitem__("#meta", [o["#meta"]])), "#meta.scenario")
itf("missing-scenario", edit(lambda o: o["#meta"].pop("scenario")), "#meta.scenario")
itf("scenario-empty", edit(lambda o: o["#meta"].__setitem__("scenario", "")), "#meta.scenario")
itf("scenario-number", edit(lambda o: o["#meta"].__setitem__("scenario", 7)), "#meta.scenario")
itf("missing-obligation", edit(lambda o: o["#meta"].pop("obligation")), "#meta.obligation")
itf("unknown-obligation", edit(lambda o: o["#meta"].__setitem__("obligation", "VECTORS_MAPPED")), "#meta.obligation")
itf("obligation-lowercase", edit(lambda o: o["#meta"].__setitem__("obligation", "vectors_executable")), "#meta.obligation")
itf("obligation-null", edit(lambda o: o["#meta"].__setitem__("obligation", None)), "#meta.obligation")
itf("obligation-list", edit(lambda o: o["#meta"].__setitem__("obligation", ["VECTORS_EXECUTABLE"])), "#meta.obligation")
itf("missing-engine", edit(lambda o: o["#meta"].pop("engine")), "#meta.engine")
itf("engine-boolean", edit(lambda o: o["#meta"].__setitem__("engine", True)), "#meta.engine")
itf("missing-states", edit(lambda o: o.pop("states")), "states")
itf("states-empty", edit(lambda o: o.__setitem__("states", [])), "states")
itf("states-object", edit(lambda o: o.__setitem__("states", {"0": o["states"][0]})), "states")
itf("states-string", edit(lambda o: o.__setitem__("states", "s0 -> s1")), "states")
itf("state-is-a-number", edit(lambda o: o["states"].__setitem__(1, 1)), "states[1]")
itf("state-is-null", edit(lambda o: o["states"].__setitem__(0, None)), "states[0]")
itf("state-is-a-list", edit(lambda o: o["states"].append([])), "states[%d]" % len(CX["states"]))
itf("loop-past-the-end", edit(lambda o: o.__setitem__("loop", len(o["states"]) + 5)), "loop")
itf("loop-equals-length", edit(lambda o: o.__setitem__("loop", len(o["states"]))), "loop")
itf("loop-huge", edit(lambda o: o.__setitem__("loop", 2147483647)), "loop")
for pct in (1, 10, 25, 50, 75, 90, 99):
    itf("truncated-at-%d-percent" % pct, CX_TEXT[: len(CX_TEXT) * pct // 100], "not valid JSON")
itf("truncated-last-brace", CX_TEXT.rstrip()[:-1], "not valid JSON")
itf("empty", "", "top level")
itf("only-whitespace", "  \n\n", "top level")
itf("top-level-array", "[" + CX_TEXT + "]", "top level")
itf("top-level-string", '"rfc-v2-el2.VECTORS_EXECUTABLE"\n', "top level")
itf("top-level-null", "null\n", "top level")
itf("top-level-number", "42\n", "top level")
put(C, "binary-garbage.itf.json", garbage(13, 1024), "not valid JSON")
itf("trailing-comma", CX_TEXT.rstrip()[:-1].rstrip() + ",\n}\n", "not valid JSON")
itf("line-comment", "// counterexample\n" + CX_TEXT, "not valid JSON")
itf("single-quoted-keys", CX_TEXT.replace('"#meta"', "'#meta'"), "not valid JSON")
itf("nan-value", CX_TEXT.replace('"engine" : "model"', '"engine" : NaN'), "not valid JSON")
itf("unclosed-string", CX_TEXT.replace('"engine" : "model"', '"engine" : "model'), "not valid JSON")
itf("yaml-not-json", read("scenarios/rfc-v2-el2.yaml"), "not valid JSON")
itf("deeply-nested-witness", CX_TEXT.replace('"access" : "fetch"', '"access" : ' + "[" * 3000 + "]" * 3000), "not")
itf("bigint-not-a-number", CX_TEXT.replace('"#bigint" : "512"', '"#bigint" : "0x200"'), "not")
itf("bigint-empty", CX_TEXT.replace('"#bigint" : "512"', '"#bigint" : ""'), "not")
itf("missing-colon", CX_TEXT.replace('"engine" : "model"', '"engine" "model"'), "not valid JSON")

# ---- manifest -----------------------------------------------------------------------------------
with open(os.path.join(ROOT, "EXPECTED.tsv"), "w", encoding="utf-8") as f:
    f.write("# file (relative to this folder)\twhat the one-line error must name: field path, dump line, or ITF key\n")
    for rel in sorted(expected):
        f.write(rel + "\t" + expected[rel] + "\n")
counts = {}
for rel in expected:
    counts[rel.split("/")[0]] = counts.get(rel.split("/")[0], 0) + 1
for c in CATEGORIES:
    print("%-22s %4d" % (c, counts.get(c, 0)))
print("%-22s %4d" % ("total", len(expected)))
