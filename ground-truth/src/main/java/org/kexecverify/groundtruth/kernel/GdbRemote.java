package org.kexecverify.groundtruth.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client of the GDB remote serial protocol, enough to drive QEMU's gdbstub: stop, hardware breakpoints
 * ({@code Z1}), continue, registers by name (from the target description QEMU sends), virtual and physical memory
 * ({@code Qqemu.PhyMemMode}).
 *
 * <pre>
 *   client                          QEMU 7.2 gdbstub
 *   $qSupported:...#cs  -------->   (connecting stops the machine)
 *                       <--------   +$PacketSize=...#cs
 *   $Z1,addr,4#cs       -------->   +$OK#cs
 *   $c#cs               -------->   ... machine runs until the breakpoint ...
 *                       <--------   +$T05thread:p01.01;#cs
 *   $p20#cs  / $m addr,len#cs  -->  hex, little-endian
 *   $D#cs               -------->   (breakpoints removed, machine resumes)
 * </pre>
 *
 * Why not gdb-multiarch with a script: the harness has to decide between stops (read struct kimage at the first
 * stop, put the second breakpoint where it points) and, for fault injection, change memory and compare what it
 * then sees; doing that through a gdb process means parsing gdb's human output and keeping two processes in
 * step. The protocol part that QEMU needs is a few hundred lines and has no dependency. QEMU 7.2 accepts writes to
 * system registers ({@code P}) and ignores them: change those by running instructions in the guest.
 */
public final class GdbRemote implements AutoCloseable {
    /** A register of the target description: its number, width and the feature it came from. */
    public record Register(String name, int number, int bits, String feature) {
    }

    private final SocketChannel ch;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
    private final Map<String, Register> registers = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(30);

    private GdbRemote(SocketChannel ch) throws IOException {
        this.ch = ch;
        ch.configureBlocking(false);
        selector = Selector.open();
        ch.register(selector, SelectionKey.OP_READ);
        in.flip();
    }

    /** Connects (retrying until QEMU listens, up to {@code wait}); QEMU stops the machine on connection. */
    public static GdbRemote connect(Path socket, Duration wait) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                GdbRemote g = new GdbRemote(ch);
                g.request("qSupported:multiprocess-;swbreak+;hwbreak+;qRelocInsn-;xmlRegisters=aarch64");
                String why = g.request("?");
                if (!why.startsWith("T") && !why.startsWith("S")) throw new IOException("gdbstub did not stop the machine: " + why);
                g.readTargetDescription();
                return g;
            } catch (IOException e) {
                ch.close();
                if (System.nanoTime() > end) throw new IOException("gdbstub at " + socket + ": " + e.getMessage(), e);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
    }

    /** How long a request may wait for its reply (a continue waits in {@link #resume(Duration)} instead). */
    public void timeout(Duration d) {
        timeout = d;
    }

    /** Sends a packet and returns the reply's payload. */
    public synchronized String request(String packet) throws IOException {
        send(packet);
        return receive(timeout);
    }

    /** Continues and waits up to {@code limit} for the next stop; returns the stop reply. */
    public synchronized String resume(Duration limit) throws IOException {
        send("c");
        return receive(limit);
    }

    /** Stops a running machine (Ctrl-C) and returns the stop reply. */
    public synchronized String interrupt() throws IOException {
        ch.write(ByteBuffer.wrap(new byte[] {3}));
        return receive(timeout);
    }

    public void insertHardwareBreakpoint(long addr) throws IOException {
        ok(request("Z1," + Long.toHexString(addr) + ",4"), "Z1 at 0x" + Long.toHexString(addr));
    }

    public void removeHardwareBreakpoint(long addr) throws IOException {
        ok(request("z1," + Long.toHexString(addr) + ",4"), "z1 at 0x" + Long.toHexString(addr));
    }

    /** Selects physical ({@code true}) or virtual addresses for {@link #readMemory} and {@link #writeMemory}. */
    public void physicalMemory(boolean physical) throws IOException {
        ok(request("Qqemu.PhyMemMode:" + (physical ? 1 : 0)), "Qqemu.PhyMemMode");
    }

    public byte[] readMemory(long addr, int len) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        for (int done = 0; done < len; ) {
            int n = Math.min(0x400, len - done);
            String r = request("m" + Long.toHexString(addr + done) + "," + Integer.toHexString(n));
            if (r.startsWith("E") || r.length() != 2 * n) {
                throw new IOException("cannot read " + n + " bytes at 0x" + Long.toHexString(addr + done) + ": " + r);
            }
            out.writeBytes(hex(r));
            done += n;
        }
        return out.toByteArray();
    }

    /** A little-endian 64-bit word of memory. */
    public long readLong(long addr) throws IOException {
        return ByteBuffer.wrap(readMemory(addr, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public void writeMemory(long addr, byte[] bytes) throws IOException {
        StringBuilder b = new StringBuilder("M" + Long.toHexString(addr) + "," + Integer.toHexString(bytes.length) + ":");
        for (byte x : bytes) b.append(String.format("%02x", x & 0xff));
        ok(request(b.toString()), "write at 0x" + Long.toHexString(addr));
    }

    /** The registers QEMU describes, by name ({@code x0}, {@code pc}, {@code cpsr}, {@code SCTLR}, {@code TTBR0_EL2} ...). */
    public Map<String, Register> registers() {
        return registers;
    }

    /** A register of up to 64 bits, by name. */
    public long readRegister(String name) throws IOException {
        Register r = registers.get(name);
        if (r == null) throw new IOException("QEMU's gdbstub describes no register " + name);
        String v = request("p" + Integer.toHexString(r.number()));
        if (v.startsWith("E") || v.isEmpty()) throw new IOException("reading " + name + ": " + v);
        byte[] b = hex(v);
        long x = 0;
        for (int i = Math.min(8, b.length) - 1; i >= 0; i--) x = (x << 8) | (b[i] & 0xff);
        return x;
    }

    /**
     * Writes a core register ({@code x0}..{@code x30}, {@code sp}, {@code pc}, {@code cpsr}) with a {@code P} packet.
     * QEMU 7.2 accepts writes to system registers too and ignores them: change those by running instructions.
     */
    public void writeRegister(String name, long value) throws IOException {
        Register r = registers.get(name);
        if (r == null) throw new IOException("QEMU's gdbstub describes no register " + name);
        StringBuilder b = new StringBuilder("P" + Integer.toHexString(r.number()) + "=");
        for (int i = 0; i < r.bits() / 8; i++) b.append(String.format("%02x", (value >>> (8 * i)) & 0xff));
        ok(request(b.toString()), "writing " + name);
        long back = readRegister(name);
        long mask = r.bits() >= 64 ? -1L : (1L << r.bits()) - 1;
        if ((back & mask) != (value & mask)) {
            throw new IOException(String.format("writing %s: gdbstub accepted 0x%x but reads back 0x%x", name, value, back));
        }
    }

    /** Every register of up to 64 bits in the given features (null: all), by name. */
    public Map<String, Long> readRegisters(List<String> features) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Register r : registers.values()) {
            if (r.bits() > 64 || (features != null && !features.contains(r.feature()))) continue;
            try {
                out.put(r.name(), readRegister(r.name()));
            } catch (IOException e) {
                // a register QEMU lists but cannot read here (e.g. an EL3 one): left out
            }
        }
        return out;
    }

    /** Detaches: QEMU removes the breakpoints and lets the machine run. */
    public void detach() throws IOException {
        request("D");
    }

    @Override
    public void close() throws IOException {
        selector.close();
        ch.close();
    }

    private static void ok(String reply, String what) throws IOException {
        if (!reply.equals("OK")) throw new IOException(what + ": gdbstub replied '" + reply + "'");
    }

    private void readTargetDescription() throws IOException {
        String target = xfer("target.xml");
        List<String> files = new ArrayList<>();
        Matcher inc = Pattern.compile("<xi:include href=\"([^\"]+)\"").matcher(target);
        while (inc.find()) files.add(inc.group(1));
        int next = 0;
        List<String[]> docs = new ArrayList<>();
        docs.add(new String[] {"target.xml", target});
        for (String f : files) docs.add(new String[] {f, xfer(f)});
        Pattern reg = Pattern.compile("<reg\\s([^>]*)>");
        for (String[] d : docs) {
            Matcher feature = Pattern.compile("<feature name=\"([^\"]+)\"").matcher(d[1]);
            String fname = feature.find() ? feature.group(1) : d[0];
            Matcher m = reg.matcher(d[1]);
            while (m.find()) {
                String attrs = m.group(1);
                String name = attr(attrs, "name");
                String bits = attr(attrs, "bitsize");
                String num = attr(attrs, "regnum");
                int n = num != null ? Integer.parseInt(num) : next;
                next = n + 1;
                if (name != null) registers.putIfAbsent(name, new Register(name, n, bits == null ? 64 : Integer.parseInt(bits), fname));
            }
        }
        if (!registers.containsKey("pc") || !registers.containsKey("x0")) {
            throw new IOException("target description without x0/pc: " + registers.keySet());
        }
    }

    private static String attr(String attrs, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(attrs);
        return m.find() ? m.group(1) : null;
    }

    private String xfer(String annex) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            String r = request("qXfer:features:read:" + annex + ":" + Integer.toHexString(b.length()) + ",ffb");
            if (r.isEmpty() || (r.charAt(0) != 'm' && r.charAt(0) != 'l')) throw new IOException("qXfer " + annex + ": " + r);
            b.append(r, 1, r.length());
            if (r.charAt(0) == 'l') return b.toString();
        }
    }

    private void send(String payload) throws IOException {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        int sum = 0;
        for (byte x : p) sum += x & 0xff;
        String frame = "$" + payload + "#" + String.format("%02x", sum & 0xff);
        ByteBuffer b = ByteBuffer.wrap(frame.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) ch.write(b);
    }

    /** Reads the next packet (skipping acks), acknowledges it and returns its decoded payload. */
    private String receive(Duration limit) throws IOException {
        long end = System.nanoTime() + limit.toNanos();
        int c;
        do {
            c = next(end);
        } while (c != '$');
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        while ((c = next(end)) != '#') raw.write(c);
        next(end);
        next(end);
        ByteBuffer ack = ByteBuffer.wrap(new byte[] {'+'});
        while (ack.hasRemaining()) ch.write(ack);
        byte[] r = raw.toByteArray();
        StringBuilder s = new StringBuilder(r.length);
        for (int i = 0; i < r.length; i++) {
            int x = r[i] & 0xff;
            if (x == '}' && i + 1 < r.length) {
                s.append((char) ((r[++i] & 0xff) ^ 0x20));
            } else if (x == '*' && i + 1 < r.length && s.length() > 0) {
                char prev = s.charAt(s.length() - 1);
                int n = (r[++i] & 0xff) - 29;
                for (int k = 0; k < n; k++) s.append(prev);
            } else {
                s.append((char) x);
            }
        }
        return s.toString();
    }

    private int next(long end) throws IOException {
        while (!in.hasRemaining()) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new IOException("gdbstub: no reply in time");
            selector.select(Math.max(1, left));
            selector.selectedKeys().clear();
            in.compact();
            int n = ch.read(in);
            in.flip();
            if (n < 0) throw new IOException("gdbstub closed the connection");
        }
        return in.get() & 0xff;
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }
}
