package org.kexecverify.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jfree.svg.SVGGraphics2D;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.FaultKind;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;

/** SVG pictures for the report, drawn with JFreeSVG: the physical memory map and the failing walk's table tree. */
public final class Pictures {
    private Pictures() {}

    private static final Map<PhysRegion.Kind, Color> COLORS = new EnumMap<>(PhysRegion.Kind.class);

    static {
        COLORS.put(PhysRegion.Kind.RAM, new Color(0xe8e8e8));
        COLORS.put(PhysRegion.Kind.OLD_KERNEL, new Color(0x9e9e9e));
        COLORS.put(PhysRegion.Kind.DESTINATION, new Color(0xef6c00));
        COLORS.put(PhysRegion.Kind.SOURCE, new Color(0x1e88e5));
        COLORS.put(PhysRegion.Kind.INDIRECTION, new Color(0x5e35b1));
        COLORS.put(PhysRegion.Kind.CONTROL, new Color(0x43a047));
        COLORS.put(PhysRegion.Kind.TABLE, new Color(0x00897b));
        COLORS.put(PhysRegion.Kind.CODE, new Color(0xc62828));
        COLORS.put(PhysRegion.Kind.VECTORS, new Color(0xad1457));
        COLORS.put(PhysRegion.Kind.ARGUMENTS, new Color(0x6d4c41));
        COLORS.put(PhysRegion.Kind.KIMAGE, new Color(0xfdd835));
    }

    /** The picture with a viewBox, so that CSS can scale it down to the page width (max-width: 100%). */
    static String svg(SVGGraphics2D g) {
        return g.getSVGElement(null, true, new org.jfree.svg.ViewBox(0, 0, g.getWidth(), g.getHeight()), null, null);
    }

    /** Regions of one kind that touch or overlap, joined (kind order, then address order). */
    static List<PhysRegion> merged(List<PhysRegion> regions) {
        List<PhysRegion> out = new ArrayList<>();
        for (PhysRegion.Kind k : PhysRegion.Kind.values()) {
            List<PhysRegion> of = regions.stream().filter(r -> r.kind() == k).sorted(java.util.Comparator.comparingLong(PhysRegion::pa)).toList();
            PhysRegion run = null;
            for (PhysRegion r : of) {
                if (run != null && r.pa() <= run.end()) {
                    run = new PhysRegion(run.name(), k, run.pa(), Math.max(run.end(), r.end()) - run.pa());
                } else {
                    if (run != null) out.add(run);
                    run = r;
                }
            }
            if (run != null) out.add(run);
        }
        return out;
    }

    /**
     * A segmented address axis: the span between any two consecutive region boundaries (RAM ranges, holes, every
     * region's start and end) gets a width that grows with the logarithm of its size plus a minimum, so a 4 KB page
     * beside 8 GB of RAM is visible and the picture always has the same width. Inside a segment the scale is linear.
     */
    static final class Axis {
        final long[] at;
        final double[] x;

        Axis(List<Long> boundaries, int width) {
            at = boundaries.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
            x = new double[at.length];
            double[] w = new double[Math.max(0, at.length - 1)];
            double sum = 0;
            for (int i = 0; i + 1 < at.length; i++) {
                double pages = Math.max(1, (double) (at[i + 1] - at[i]) / 4096.0);
                w[i] = 1 + Math.log(pages) / Math.log(2);
                sum += w[i];
            }
            double px = 0;
            for (int i = 0; i + 1 < at.length; i++) {
                x[i] = px;
                px += sum == 0 ? 0 : w[i] / sum * width;
            }
            if (at.length > 0) x[at.length - 1] = width;
        }

        int x(long pa) {
            if (at.length < 2) return 0;
            int i = java.util.Arrays.binarySearch(at, pa);
            if (i >= 0) return (int) Math.round(x[i]);
            i = -i - 2;
            if (i < 0) return 0;
            if (i >= at.length - 1) return (int) Math.round(x[at.length - 1]);
            double f = (double) (pa - at[i]) / (double) (at[i + 1] - at[i]);
            return (int) Math.round(x[i] + f * (x[i + 1] - x[i]));
        }
    }

    /**
     * One row per kind of region on a segmented address axis ({@link Axis}) with address ticks and RAM holes marked; a
     * last row per MMU-on phase shows how the phase's tables map each region's first page at its PA (executable /
     * writable / read-only identity, or a fault), red only for a region the phase uses at that PA.
     */
    public static String memoryMap(RelocationPlan plan) {
        List<PhysRegion> regions = plan.regions();
        List<PhysRegion> ram = regions.stream().filter(r -> r.kind() == PhysRegion.Kind.RAM).toList();
        long lo = ram.stream().mapToLong(PhysRegion::pa).min().orElse(0);
        long hi = ram.stream().mapToLong(PhysRegion::end).max().orElse(1);
        List<Long> bounds = new ArrayList<>(List.of(lo, hi));
        // edges of each kind's runs, not of every page: 600 adjacent table pages are one span of the axis
        for (PhysRegion r : merged(regions)) {
            if (r.pa() >= lo && r.pa() <= hi) bounds.add(r.pa());
            if (r.end() >= lo && r.end() <= hi) bounds.add(r.end());
        }
        List<PhysRegion.Kind> kinds = new ArrayList<>();
        for (PhysRegion.Kind k : PhysRegion.Kind.values()) if (regions.stream().anyMatch(r -> r.kind() == k)) kinds.add(k);
        List<Phase> mmuPhases = plan.phases().stream().filter(p -> p.regs().mmuOn()).toList();
        int left = 150;
        int width = 600;
        int rowH = 22;
        int top = 30;
        Axis axis = new Axis(bounds, width);
        int h = top + (kinds.size() + mmuPhases.size()) * rowH + 110;
        SVGGraphics2D g = new SVGGraphics2D(left + width + 90, h);   // room for the last rotated address label
        g.setFont(new Font("SansSerif", Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        g.drawString("physical addresses, segmented scale: each span between region edges grows with log(size)", left, 16);
        int row = 0;
        for (PhysRegion.Kind k : kinds) {
            int y = top + row * rowH;
            g.setColor(Color.BLACK);
            g.drawString(k.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), 8, y + 14);
            g.setColor(new Color(0xf7f7f7));
            g.fillRect(left, y + 2, width, rowH - 6);
            g.setColor(COLORS.get(k));
            for (PhysRegion r : regions) {
                if (r.kind() != k) continue;
                int x0 = left + axis.x(r.pa());
                int x1 = Math.max(x0 + 1, left + axis.x(r.end()));
                g.fillRect(x0, y + 2, x1 - x0, rowH - 6);
            }
            row++;
        }
        // RAM holes: spans inside [lo, hi) that no RAM range covers
        int rows = row;
        for (int i = 0; i + 1 < axis.at.length; i++) {
            long a = axis.at[i];
            long b = axis.at[i + 1];
            if (ram.stream().anyMatch(r -> r.pa() <= a && r.end() >= b)) continue;
            int x0 = left + axis.x(a);
            int x1 = left + axis.x(b);
            g.setColor(Color.WHITE);
            g.fillRect(x0, top, Math.max(1, x1 - x0), rows * rowH);
            g.setColor(new Color(0x757575));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
            g.drawRect(x0, top, Math.max(1, x1 - x0), rows * rowH);
            g.setStroke(new BasicStroke(1f));
            if (x1 - x0 >= 30) g.drawString("hole", x0 + 3, top + 12);
        }
        for (Phase p : mmuPhases) {
            int y = top + row * rowH;
            g.setColor(Color.BLACK);
            String label = "idmap, " + p.regs().regime().cliName() + " phase";
            g.drawString(label, 8, y + 14);
            for (PhysRegion r : regions) {
                if (r.kind() == PhysRegion.Kind.RAM || r.kind() == PhysRegion.Kind.OLD_KERNEL) continue;
                Translation fetch = Walker.translate(p.regs(), plan.memory(), r.pa(), AccessType.FETCH, 4, WalkOptions.DEFAULT);
                Translation write = Walker.translate(p.regs(), plan.memory(), r.pa(), AccessType.WRITE, 8, WalkOptions.DEFAULT);
                Translation read = Walker.translate(p.regs(), plan.memory(), r.pa(), AccessType.READ, 8, WalkOptions.DEFAULT);
                boolean used = java.util.stream.Stream.concat(p.code().stream(), p.data().stream())
                        .anyMatch(u -> u.identity() && u.pa() < r.end() && r.pa() < u.pa() + u.size());
                Color c;
                if (fetch instanceof Translation.Mapped m && m.pa() == r.pa()) c = new Color(0x2e7d32);
                else if (write instanceof Translation.Mapped m && m.pa() == r.pa()) c = new Color(0x1565c0);
                else if (read instanceof Translation.Mapped m && m.pa() == r.pa()) c = new Color(0x90a4ae);
                else c = used ? new Color(0xd32f2f) : new Color(0xe0e0e0);
                g.setColor(c);
                int x0 = left + axis.x(r.pa());
                int x1 = Math.max(x0 + 1, left + axis.x(r.end()));
                g.fillRect(x0, y + 2, x1 - x0, rowH - 6);
            }
            row++;
        }
        // address ticks at region edges, labelled where there is room
        int axisY = top + row * rowH + 4;
        g.setColor(Color.BLACK);
        g.drawLine(left, axisY, left + width, axisY);
        int lastLabel = -1000;
        for (int i = 0; i < axis.at.length; i++) {
            int x = left + axis.x(axis.at[i]);
            g.drawLine(x, axisY, x, axisY + 4);
            if (x - lastLabel >= 70 || i == axis.at.length - 1 && x - lastLabel >= 40) {
                java.awt.geom.AffineTransform saved = g.getTransform();
                g.rotate(Math.toRadians(35), x, axisY + 8);
                g.drawString(String.format("0x%x", axis.at[i]), x, axisY + 12);
                g.setTransform(saved);
                lastLabel = x;
            }
        }
        int y = axisY + 80;
        g.drawString("idmap rows: green = executable identity, blue = writable identity, grey = read-only identity,", left - 140, y);
        g.drawString("red = not identity-mapped but used at its PA by the phase, light = not identity-mapped and not used there", left - 140, y + 14);
        return svg(g);
    }

    /** The fields a fault blames, to highlight in the leaf descriptor. */
    public static List<Field> offending(Translation t, org.kexecverify.model.regime.Regime regime) {
        if (!(t instanceof Translation.Fault f)) return List.of();
        if (f.kind() == FaultKind.PERMISSION && t.access() == AccessType.FETCH && regime.singlePrivilege()) {
            return List.of(DescriptorBits.UXN, DescriptorBits.UXN_TABLE);   // bit 54 is XN at EL2; PXN is RES0 there
        }
        return switch (f.kind()) {
            case TRANSLATION -> List.of(DescriptorBits.VALID, DescriptorBits.TYPE);
            case ACCESS_FLAG -> List.of(DescriptorBits.AF);
            case ADDRESS_SIZE -> List.of(DescriptorBits.ADDRESS);
            case PERMISSION -> t.access() == AccessType.FETCH ? List.of(DescriptorBits.UXN, DescriptorBits.PXN, DescriptorBits.UXN_TABLE, DescriptorBits.PXN_TABLE, DescriptorBits.AP1, DescriptorBits.AP2)
                    : List.of(DescriptorBits.AP2, DescriptorBits.AP_TABLE1);
            case ALIGNMENT -> List.of(DescriptorBits.ATTRINDX);
            case EXTERNAL_ABORT_ON_WALK -> List.of(DescriptorBits.ADDRESS);
        };
    }

    /** The walk as a chain of table boxes, the last entry's set bits listed with offending ones in red. */
    public static String walkTree(Translation t, org.kexecverify.model.regime.Regime regime) {
        List<WalkStep> steps = t.steps();
        int boxW = 250;
        int boxH = 74;
        int gap = 40;
        int n = Math.max(1, steps.size()) + 1;
        SVGGraphics2D g = new SVGGraphics2D(n * (boxW + gap) + 20, boxH + 110);
        g.setFont(new Font("Monospaced", Font.PLAIN, 11));
        int x = 10;
        for (WalkStep s : steps) {
            g.setColor(new Color(0xeceff1));
            g.fillRect(x, 10, boxW, boxH);
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1.2f));
            g.drawRect(x, 10, boxW, boxH);
            g.setColor(Color.BLACK);
            g.drawString(String.format("L%d table 0x%x", s.level(), s.tableAddress()), x + 6, 26);
            g.drawString(String.format("[%d] @0x%x", s.index(), s.descriptorAddress()), x + 6, 42);
            g.drawString(String.format("0x%016x", s.descriptor()), x + 6, 58);
            g.drawString(s.kind().name().toLowerCase(java.util.Locale.ROOT), x + 6, 74);
            g.drawLine(x + boxW, 10 + boxH / 2, x + boxW + gap, 10 + boxH / 2);
            g.fillPolygon(new int[] {x + boxW + gap, x + boxW + gap - 7, x + boxW + gap - 7}, new int[] {10 + boxH / 2, 10 + boxH / 2 - 4, 10 + boxH / 2 + 4}, 3);
            x += boxW + gap;
        }
        boolean fault = t instanceof Translation.Fault;
        g.setColor(fault ? new Color(0xffebee) : new Color(0xe8f5e9));
        g.fillRect(x, 10, boxW, boxH);
        g.setColor(fault ? new Color(0xc62828) : new Color(0x2e7d32));
        g.drawRect(x, 10, boxW, boxH);
        if (t instanceof Translation.Fault f) {
            g.drawString(f.kind().words(), x + 6, 30);
            if (f.kind() != FaultKind.ALIGNMENT) g.drawString("level " + f.level() + ", FSC 0x" + Integer.toHexString(f.fsc()), x + 6, 48);
        } else if (t instanceof Translation.Mapped m) {
            g.drawString(String.format("PA 0x%x", m.pa()), x + 6, 30);
            g.drawString(m.attrs().describe(), x + 6, 48);
        }
        if (!steps.isEmpty()) {
            long d = steps.get(steps.size() - 1).descriptor();
            List<Field> bad = offending(t, regime);
            int fx = 10;
            g.setFont(new Font("Monospaced", Font.BOLD, 11));
            g.setColor(Color.BLACK);
            g.drawString("last entry, set bits:", fx, boxH + 40);
            fx += 160;
            List<Field> fields = steps.get(steps.size() - 1).kind() == WalkStep.Kind.TABLE ? DescriptorBits.TABLE : DescriptorBits.LEAF;
            for (Field fl : fields) {
                if (fl.get(d) == 0 || fl == DescriptorBits.ADDRESS) continue;
                String txt = fl.name() + "[" + fl.bits() + "]=" + fl.format(fl.get(d));
                g.setColor(bad.contains(fl) ? new Color(0xc62828) : Color.DARK_GRAY);
                g.drawString(txt, fx, boxH + 40);
                fx += 8 * txt.length() + 12;
            }
        }
        return svg(g);
    }
}
