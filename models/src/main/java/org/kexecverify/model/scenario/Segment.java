package org.kexecverify.model.scenario;

/** A kexec segment (kernel Image, initramfs, DTB, purgatory): its size and where it must end up. */
public record Segment(String name, long size, long destination) {
    public long pages() {
        return (size + 4095) >>> 12;
    }

    public long end() { return destination + pages() * 4096; }
}
