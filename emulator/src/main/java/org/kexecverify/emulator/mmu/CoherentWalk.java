package org.kexecverify.emulator.mmu;

import java.util.ArrayList;
import java.util.List;

import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;

/**
 * Runs the models' {@link Walker} over the machine's memory as a cacheable walker sees it: the walk reads
 * RAM, and where a descriptor it read has a newer value in a D-cache line (tables written with cacheable
 * stores and not yet cleaned) the walk is repeated with those values in place, then RAM is restored.
 * With no dirty descriptor on the path (the usual case) this is exactly one {@code Walker.translate} call.
 */
public final class CoherentWalk {
    private final Ram ram;
    private final WalkOptions options;
    private long walks;

    public CoherentWalk(Ram ram, WalkOptions options) {
        this.ram = ram;
        this.options = options;
    }

    public long walks() {
        return walks;
    }

    public Translation translate(TranslationRegs regs, long va, AccessType at) {
        walks++;
        Translation t = Walker.translate(regs, ram.physical(), va, at, 1, options);
        if (!ram.anyDirtyLines()) {
            return t;
        }
        List<long[]> patched = new ArrayList<>();
        try {
            for (int round = 0; round < 5; round++) {
                boolean changed = false;
                for (WalkStep s : t.steps()) {
                    if (s.kind() == WalkStep.Kind.NOT_RAM) {
                        continue;
                    }
                    long coherent = ram.coherentRead64(s.descriptorAddress());
                    if (coherent != s.descriptor()) {
                        patched.add(new long[] {s.descriptorAddress(), ram.physical().read64(s.descriptorAddress())});
                        ram.physical().write64(s.descriptorAddress(), coherent);
                        changed = true;
                    }
                }
                if (!changed) {
                    return t;
                }
                t = Walker.translate(regs, ram.physical(), va, at, 1, options);
            }
            return t;
        } finally {
            for (int i = patched.size() - 1; i >= 0; i--) {
                ram.physical().write64(patched.get(i)[0], patched.get(i)[1]);
            }
        }
    }
}
