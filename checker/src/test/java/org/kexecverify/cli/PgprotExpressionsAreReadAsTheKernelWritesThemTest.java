package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.PgprotExpression;

/**
 * {@code code_prot: PAGE_KERNEL_EXEC & ~PTE_UXN} is read as C reads it: the RFC v2 relocation page with UXN (the only
 * XN bit of the EL2 regime) cleared proves IDMAP_COVERS_CODE at EL2, while {@code PAGE_KERNEL_EXEC & ~PTE_PXN} (a no-op:
 * PAGE_KERNEL_EXEC has PXN clear already) is refuted like plain PAGE_KERNEL_EXEC. A misspelt name is one line that
 * names the field and lists every name an expression may use.
 */
class PgprotExpressionsAreReadAsTheKernelWritesThemTest {
    private static final int MT_NORMAL = 4;

    @Test
    void operatorsFollowC() {
        long exec = Pgprot.PAGE_KERNEL_EXEC.bits(MT_NORMAL);
        assertEquals(exec & ~DescriptorBits.UXN.mask(), PgprotExpression.attributes("PAGE_KERNEL_EXEC & ~PTE_UXN", MT_NORMAL));
        assertEquals(Pgprot.PAGE_KERNEL.bits(MT_NORMAL), PgprotExpression.attributes("PROT_NORMAL", MT_NORMAL));
        assertEquals(Pgprot.PAGE_KERNEL.bits(MT_NORMAL) & ~DescriptorBits.PXN.mask(), PgprotExpression.attributes("page_kernel & ~pte_pxn", MT_NORMAL),
                "PAGE_KERNEL_EXEC is PROT_NORMAL & ~PTE_PXN in pgtable-prot.h");
        // & binds tighter than |: PTE_AF | (PTE_PXN & PTE_UXN) = PTE_AF
        assertEquals(DescriptorBits.AF.mask(), PgprotExpression.attributes("PTE_AF | PTE_PXN & PTE_UXN", MT_NORMAL));
        assertEquals(DescriptorBits.AF.mask() | DescriptorBits.ATTRINDX.set(0, 2),
                PgprotExpression.attributes("(PAGE_KERNEL & ~PTE_ATTRINDX_MASK | PTE_ATTRINDX(2)) & (PTE_AF | PTE_ATTRINDX_MASK)", MT_NORMAL));
        assertEquals(0x713L, PgprotExpression.attributes("0x713", MT_NORMAL));
        IllegalArgumentException addr = assertThrows(IllegalArgumentException.class, () -> PgprotExpression.attributes("~PTE_UXN", MT_NORMAL));
        assertTrue(addr.getMessage().contains("PTE_ADDR_MASK"), addr.getMessage());
        for (String bad : new String[] {"PAGE_KERNEL_EXEC &", "(PAGE_KERNEL", "PAGE_KERNEL ~ PTE_UXN", "PTE_ATTRINDX(8)", "-1", "PAGE_KERNEL_EXEC | \u0661"}) {
            assertThrows(IllegalArgumentException.class, () -> PgprotExpression.attributes(bad, MT_NORMAL), bad);
        }
    }

    @Test
    void clearingUxnMakesTheRelocationPageExecutableAtEl2(@TempDir Path dir) throws IOException {
        assertEquals("PROVED", idmapVerdict(dir, "PAGE_KERNEL_EXEC & ~PTE_UXN"));
        assertEquals("REFUTED", idmapVerdict(dir, "PAGE_KERNEL_EXEC & ~PTE_PXN"));
        assertEquals("REFUTED", idmapVerdict(dir, "PAGE_KERNEL_EXEC"));
    }

    @Test
    void aMisspeltNameListsTheNames(@TempDir Path dir) throws IOException {
        Path s = scenario(dir, "PAGE_KERNEL_EXEC & ~PTE_UXM");
        CliRun r = CliRun.of("check", s.toString(), "--engine", "model", "--out", dir.resolve("out").toString(), "--no-cache");
        assertEquals(2, r.code(), r.toString());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), r.toString());
        assertTrue(line.contains("tables.options.code_prot") && line.contains("unknown name 'PTE_UXM'") && line.contains("PTE_UXN")
                && line.contains("PAGE_HYP_EXEC") && line.contains("PTE_ATTRINDX(n)"), r.toString());
    }

    private static String idmapVerdict(Path dir, String prot) throws IOException {
        Path s = scenario(dir, prot);
        CliRun r = CliRun.of("check", s.toString(), "--engine", "model", "--out", dir.resolve("out").toString(), "--no-cache", "--json");
        var m = java.util.regex.Pattern.compile("\"obligation\"\\s*:\\s*\"IDMAP_COVERS_CODE\"[^}]*?\"outcome\"\\s*:\\s*\"(\\w+)\"").matcher(r.out());
        assertTrue(m.find(), "code_prot " + prot + ": no IDMAP_COVERS_CODE verdict in " + r);
        return m.group(1);
    }

    /** rfc-v2-el2-fixed with its code_prot replaced and its design paths made absolute. */
    private static Path scenario(Path dir, String prot) throws IOException {
        Path src = Path.of("../scenarios/rfc-v2-el2-fixed.yaml");
        String text = Files.readString(src);
        assertTrue(text.contains("code_prot: PAGE_HYP_EXEC"), "rfc-v2-el2-fixed no longer sets code_prot: PAGE_HYP_EXEC");
        text = text.replace("code_prot: PAGE_HYP_EXEC", "code_prot: " + prot)
                .replace("../designs/", Path.of("../designs").toAbsolutePath().normalize() + "/");
        Path out = dir.resolve("rfc-v2-el2-prot.yaml");
        Files.writeString(out, text);
        return out;
    }
}
