package org.kexecverify.model.a64;

import java.util.Locale;

/** A64 condition codes in encoding order, with their evaluation against NZCV. */
public enum Cond {
    EQ, NE, CS, CC, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE, AL, NV;

    /** Evaluates this condition on NZCV given as the four flag bits n z c v (each 0 or 1). */
    public static boolean holds(int code, boolean n, boolean z, boolean c, boolean v) {
        boolean r = switch (code >> 1) {
            case 0 -> z;
            case 1 -> c;
            case 2 -> n;
            case 3 -> v;
            case 4 -> c && !z;
            case 5 -> n == v;
            case 6 -> n == v && !z;
            default -> true;
        };
        if ((code & 1) != 0 && code != 0xF) {
            r = !r;
        }
        return r;
    }

    public static Cond parse(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        if (u.equals("HS")) {
            return CS;
        }
        if (u.equals("LO")) {
            return CC;
        }
        for (Cond c : values()) {
            if (c.name().equals(u)) {
                return c;
            }
        }
        return null;
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
