package org.kexecverify.engines;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.progress.Progress;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/**
 * Generated RFC v2-shaped scenarios (random attribute bits for the code page and the data pages,
 * vectors left or copied, EL1 or EL2): the model and smt engines give the same verdict per
 * obligation. A failure prints the generated options and both explanations.
 */
class GeneratedScenariosEnginesAgreeTest {
    static final Field[] FLIPPABLE = {DescriptorBits.AF, DescriptorBits.AP1, DescriptorBits.AP2, DescriptorBits.PXN, DescriptorBits.UXN,
            DescriptorBits.VALID, DescriptorBits.TYPE};

    /** Flips each field with probability 1/4 (two random bits both set), changes AttrIndx with probability 1/8. */
    static long mutate(long base, long bits, int fields) {
        long d = base;
        for (int i = 0; i < fields; i++) {
            if (((bits >>> (2 * i)) & 3) == 3) d ^= FLIPPABLE[i].mask();
        }
        if (((bits >>> 20) & 7) == 7) d = DescriptorBits.ATTRINDX.set(d, (bits >>> 23) & 7);
        return d;
    }

    static String scenario(boolean el1, long codeAttrs, long dataAttrs, boolean copyVectors) throws Exception {
        String base = Files.readString(Path.of("../scenarios/" + (el1 ? "rfc-v2-el1" : "rfc-v2-el2") + ".yaml"))
                .replace("size: 13M", "size: 16K").replace("size: 12M", "size: 8K").replace("size: 64K", "size: 4K");
        return base.replace("  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  options:\n"
                + "    code_prot: 0x" + Long.toHexString(codeAttrs) + "\n"
                + "    data_prot: 0x" + Long.toHexString(dataAttrs) + "\n"
                + "    vectors: " + (copyVectors ? "copy" : "none"));
    }

    /** The RFC v2 project .S of the base scenario, assembled once (every generated scenario runs the same code). */
    static final Map<Boolean, org.kexecverify.model.program.ProgramCode> CODE = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        for (boolean el1 : new boolean[] {false, true}) {
            try {
                CODE.put(el1, org.kexecverify.kernels.ResolvedScenarios.load(Path.of("../scenarios/" + (el1 ? "rfc-v2-el1" : "rfc-v2-el2") + ".yaml")).code());
            } catch (Exception e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    @Test
    void modelAndSmtAgreeOnGeneratedScenarios() {
        System.out.println("GeneratedScenariosEnginesAgreeTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
        ModelEngineAdapter model = new ModelEngineAdapter(WalkOptions.DEFAULT, Progress.NONE);
        SmtEngineAdapter smt = new SmtEngineAdapter(new org.kexecverify.smt.SmtOptions(20_000), false);
        Map<String, Integer> mix = new java.util.TreeMap<>();
        qt().withFixedSeed(SEED).withExamples(120).withShrinkCycles(20)
                .forAll(integers().between(0, 1), longs().between(0, (1L << 26) - 1), longs().between(0, (1L << 26) - 1), integers().between(0, 1))
                .checkAssert((el1, codeBits, dataBits, vec) -> {
                    long code = mutate(Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3), codeBits, FLIPPABLE.length);
                    long data = mutate(Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3), dataBits & 0xf, 2);   // data pages: only AF/AP[1] vary, keep the list walkable
                    String yaml;
                    RelocationPlan plan;
                    try {
                        yaml = scenario(el1 == 1, code, data, vec == 1);
                        plan = ScenarioBuilders.build(ScenarioLoader.parse("generated.yaml", yaml).withCode(CODE.get(el1 == 1)));
                    } catch (Exception e) {
                        throw new AssertionError("generator produced a bad scenario: " + e.getMessage(), e);
                    }
                    Map<Obligation, Verdict> m = by(model.check(plan));
                    Map<Obligation, Verdict> s = by(smt.check(plan));
                    List<String> diffs = new ArrayList<>();
                    m.values().forEach(v -> mix.merge(v.obligation() + "=" + v.outcome(), 1, Integer::sum));
                    for (Obligation o : m.keySet()) {
                        Verdict a = m.get(o);
                        Verdict b = s.get(o);
                        if (b == null || b instanceof Verdict.Inconclusive) continue;
                        if (!a.outcome().equals(b.outcome())) {
                            diffs.add(o + ": model " + a.outcome() + " (" + a.explanation() + ") vs smt " + b.outcome() + " (" + b.explanation() + ")");
                        }
                    }
                    if (!diffs.isEmpty()) {
                        throw new AssertionError(String.format("el1=%d code=0x%x data=0x%x vectors=%s%n%s", el1, code, data, vec == 1 ? "copy" : "none",
                                String.join("\n", diffs)));
                    }
                });
        // the generator must exercise both outcomes of the walk obligations, or agreement means little
        for (String o : List.of("IDMAP_COVERS_CODE", "VECTORS_EXECUTABLE")) {
            org.junit.jupiter.api.Assertions.assertTrue(mix.getOrDefault(o + "=PROVED", 0) > 5 && mix.getOrDefault(o + "=REFUTED", 0) > 5, "outcome mix " + mix);
        }
    }

    private static Map<Obligation, Verdict> by(List<Verdict> vs) {
        Map<Obligation, Verdict> m = new EnumMap<>(Obligation.class);
        for (Verdict v : vs) m.putIfAbsent(v.obligation(), v);
        return m;
    }
}
