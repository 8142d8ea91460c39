package org.kexecverify.model.walk;

import org.kexecverify.model.regime.Regime;

/**
 * The header of a walk (regime, base register, TxSZ, PA size, start level), kept as values and
 * formatted only when shown, so the hot path allocates no strings.
 */
public record WalkContext(Regime regime, String ttbrName, long ttbr, String tcrName, String szName, long txsz, int paBits, int startLevel, String note) {

    static WalkContext mmuOff(Regime regime, String sctlrName) {
        return new WalkContext(regime, null, 0, null, null, 0, 0, -1, sctlrName + ".M=0 (MMU off): PA = VA");
    }

    WalkContext withStartLevel(int level) {
        return new WalkContext(regime, ttbrName, ttbr, tcrName, szName, txsz, paBits, level, note);
    }

    @Override
    public String toString() {
        if (ttbrName == null) return regime.displayName() + ", " + note;
        return String.format("%s, %s=0x%x, %s.%s=%d, PA size %d bits%s", regime.displayName(), ttbrName, ttbr, tcrName, szName, txsz, paBits,
                startLevel >= 0 ? ", start level " + startLevel : "");
    }
}
