package org.kexecverify.model.scenario;

import java.util.ArrayDeque;
import java.util.Deque;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;

/**
 * Rejects table trees a scenario cannot mean: a table descriptor pointing outside RAM, or back at a
 * table already on the path from the root (cyclic table pointers).
 */
final class TableGraph {
    private TableGraph() {}

    static void check(String file, RelocationPlan plan) throws ScenarioError {
        for (Phase p : plan.phases()) {
            if (!p.regs().mmuOn()) continue;
            int ranges = p.regs().regime().hasTwoRanges() ? 2 : 1;
            for (int r = 0; r < ranges; r++) {
                long ttbr = r == 0 ? p.regs().ttbr0() : p.regs().ttbr1();
                String sz = r == 0 ? "T0SZ" : "T1SZ";
                long txsz = p.regs().tcrField(sz);
                if (!org.kexecverify.model.walk.Granule.txszInRange(txsz)) continue;
                if (ttbr == 0) continue;
                int start = org.kexecverify.model.walk.Granule.startLevel(txsz);
                long root = ttbr & org.kexecverify.model.desc.DescriptorBits.ADDRESS.mask();
                String where = "registers." + p.regs().ttbrReg(r);
                if (!plan.memory().isRam(root, 8)) {
                    throw new ScenarioError(file, where, String.format("table root 0x%x is outside RAM", root));
                }
                dfs(file, plan.memory(), root, start, new ArrayDeque<>(), where);
            }
        }
    }

    private static void dfs(String file, PhysicalMemory mem, long table, int level, Deque<Long> path, String where) throws ScenarioError {
        if (path.contains(table)) {
            throw new ScenarioError(file, "tables", String.format("cyclic table pointers: the level-%d table 0x%x is its own ancestor (from %s)", level, table, where));
        }
        if (level >= 3) return;
        path.push(table);
        long[] words = mem.pageOrNull(table >>> 12);
        if (words != null) {
            for (int i = 0; i < 512; i++) {
                long d = words[i];
                if (DescriptorBits.VALID.get(d) == 0 || DescriptorBits.TYPE.get(d) == 0) continue;
                long next = DescriptorBits.ADDRESS.get(d) << 12;
                if (!mem.isRam(next, PhysicalMemory.PAGE_SIZE)) {
                    throw new ScenarioError(file, "tables", String.format("level-%d table entry 0x%x (at 0x%x) points at 0x%x, outside RAM",
                            level, d, table + 8L * i, next));
                }
                dfs(file, mem, next, level + 1, path, where);
            }
        }
        path.pop();
    }
}
