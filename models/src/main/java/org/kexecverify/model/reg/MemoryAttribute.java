package org.kexecverify.model.reg;

/**
 * One MAIR_ELx attribute byte decoded: Device-nGnRnE .. Device-GRE, or Normal with inner and outer
 * cacheability policies. Used by MAIR decode and by the walk's memory type.
 */
public record MemoryAttribute(int attr, boolean device, String deviceKind, Policy outer, Policy inner, boolean reserved) {

    /** Cacheability policy of one nibble of a Normal attribute. */
    public record Policy(String kind, boolean transientHint, boolean readAllocate, boolean writeAllocate) {
        public boolean cacheable() { return !kind.equals("NC"); }

        public boolean writeBack() { return kind.equals("WB"); }

        public String describe() {
            if (!cacheable()) return "Non-cacheable";
            String k = kind.equals("WB") ? "Write-Back" : "Write-Through";
            String alloc = (readAllocate ? " RA" : "") + (writeAllocate ? " WA" : "");
            return k + (transientHint ? " transient" : " non-transient") + alloc;
        }
    }

    public static MemoryAttribute decode(int attr) {
        attr &= 0xff;
        int hi = attr >>> 4;
        int lo = attr & 0xf;
        if (hi == 0) {
            String[] kinds = {"Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"};
            boolean reserved = (lo & 0b11) != 0;
            return new MemoryAttribute(attr, true, kinds[lo >>> 2], null, null, reserved);
        }
        Policy outer = policy(hi);
        Policy inner = policy(lo);
        return new MemoryAttribute(attr, false, null, outer, inner, lo == 0);
    }

    private static Policy policy(int n) {
        boolean r = (n & 2) != 0;
        boolean w = (n & 1) != 0;
        if (n == 0b0100) return new Policy("NC", false, false, false);
        return switch (n >>> 2) {
            case 0b00 -> new Policy("WT", true, r, w);
            case 0b01 -> new Policy("WB", true, r, w);
            case 0b10 -> new Policy("WT", false, r, w);
            default -> new Policy("WB", false, r, w);
        };
    }

    public static final MemoryAttribute DEVICE_nGnRnE = decode(0x00);
    public static final MemoryAttribute NORMAL_NC = decode(0x44);
    /** Instruction fetches with the MMU off and SCTLR_ELx.I=1: Normal, Write-Through, read-allocate. */
    public static final MemoryAttribute NORMAL_WT_MMU_OFF = decode(0xaa);

    public boolean normal() { return !device; }

    /** Cacheable for the data cache model: Normal with both inner and outer cacheable. */
    public boolean cacheable() { return !device && !reserved && inner.cacheable() && outer.cacheable(); }

    public String describe() {
        if (device) return reserved ? deviceKind + " (reserved low bits, UNPREDICTABLE)" : deviceKind;
        if (reserved) return "reserved encoding (Normal with inner 0b0000, UNPREDICTABLE)";
        if (inner.equals(outer)) return "Normal, Inner+Outer " + inner.describe();
        return "Normal, Outer " + outer.describe() + ", Inner " + inner.describe();
    }

    /** The v5.3-era Linux name of common attributes (MT_NORMAL ...), or empty. */
    public String linuxName() {
        return switch (attr) {
            case 0x00 -> "MT_DEVICE_nGnRnE";
            case 0x04 -> "MT_DEVICE_nGnRE";
            case 0x0c -> "MT_DEVICE_GRE";
            case 0x44 -> "MT_NORMAL_NC";
            case 0xff -> "MT_NORMAL";
            case 0xbb -> "MT_NORMAL_WT";
            default -> "";
        };
    }
}
