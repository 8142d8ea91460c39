package org.kexecverify.model.walk;

/** What the CPU is doing when it translates an address. */
public enum AccessType {
    FETCH("instruction fetch"), READ("data read"), WRITE("data write");

    private final String words;

    AccessType(String words) { this.words = words; }

    public String words() { return words; }

    public boolean isData() { return this != FETCH; }

    public static AccessType parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "fetch", "x", "exec", "execute" -> FETCH;
            case "read", "r", "load" -> READ;
            case "write", "w", "store" -> WRITE;
            default -> throw new IllegalArgumentException("unknown access type '" + s + "' (expected fetch, read or write)");
        };
    }
}
