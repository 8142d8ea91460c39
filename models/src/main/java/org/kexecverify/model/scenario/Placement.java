package org.kexecverify.model.scenario;

/**
 * Where things sit in physical memory when relocation starts.
 *
 * @param controlPages   first address kexec control pages are allocated from (tables, code, vectors copy);
 *                       the allocator skips segment destinations, as kimage_alloc_control_pages() does
 * @param tablePages     where page-table pages come from if not control pages ({@code -1}: control pages)
 * @param sources        first address source pages are allocated from (never a destination)
 * @param kimage         PA of struct kimage (ordinary kernel memory: not protected from destinations)
 * @param oldKernelBase  PA of the running kernel image
 * @param oldKernelSize  its size
 * @param hypStubVectors PA of __hyp_stub_vectors in the running kernel (where VBAR_EL2 points at boot)
 * @param kernelVectors  VA of the running kernel's EL1 vectors (VBAR_EL1)
 */
public record Placement(long controlPages, long tablePages, long sources, long kimage, long oldKernelBase, long oldKernelSize,
                        long hypStubVectors, long kernelVectors) {}
