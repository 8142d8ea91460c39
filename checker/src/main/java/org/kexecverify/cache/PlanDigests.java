package org.kexecverify.cache;

import java.util.Optional;
import org.kexecverify.model.plan.RelocationPlan;

/**
 * The canonical SHA-256 of a plan ({@link Canonical}), computed once per plan object: the engines
 * of one check all ask for it. The last few plans are remembered by identity (a check asks about
 * one plan from several threads within moments); nothing keeps a plan alive.
 */
public final class PlanDigests {
    private static final int SLOTS = 32;
    private static final java.lang.ref.WeakReference<?>[] PLANS = new java.lang.ref.WeakReference<?>[SLOTS];
    private static final String[] DIGESTS = new String[SLOTS];
    private static int next;

    private PlanDigests() {}

    /** Empty when some part of the plan has no canonical form (then nothing about it is cached). */
    public static Optional<String> of(RelocationPlan plan) {
        synchronized (PLANS) {
            for (int i = 0; i < SLOTS; i++) {
                if (PLANS[i] != null && PLANS[i].get() == plan) return Optional.ofNullable(DIGESTS[i]);
            }
        }
        String d;
        try {
            d = Canonical.sha256("plan", plan);
        } catch (Canonical.Unsupported e) {
            d = null;
        }
        synchronized (PLANS) {
            PLANS[next] = new java.lang.ref.WeakReference<>(plan);
            DIGESTS[next] = d;
            next = (next + 1) % SLOTS;
        }
        return Optional.ofNullable(d);
    }
}
