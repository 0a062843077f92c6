package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

/**
 * A run of decoded instructions that starts at one EIP and ends at a control transfer, before
 * an instruction the decoder leaves to the interpreter, at the end of its page or at a length
 * limit. It holds for 32-bit code at one CS base and for one physical page, and it is dropped
 * when one of its bytes is written ({@link BlockCache}).
 */
final class Block {

    /** The linear address of the first instruction, and its EIP. */
    final int linear, eip;
    /** The physical address of the first instruction (with paging, what the linear one mapped to). */
    final int physicalAddress;
    /** The watched RAM page the instructions were decoded from; -1 for a page left unwatched. */
    final int pageNumber;
    /** The RAM page's array, for the interpreter's fetch window (see {@link Cpu#enterFetchWindow}). */
    final byte[] page;
    final Op[] ops;
    /** EIP of each op's instruction, and at [ops.length] the EIP after the last one. */
    final int[] starts;
    /** EIP of the block's last byte: the block runs only while that is within CS's limit. */
    final int lastByte;
    final boolean endsWithTransfer;
    /** Times the dispatcher entered the block while it headed no region; at the engine's threshold it is compiled. */
    int runs;
    /** The region it heads once compiled ({@link BlockCompiler}); it goes when the block or the region's code is dropped. */
    Region region;
    /** Set when compiling was tried and an op had no bytecode form, so it is not tried again. */
    boolean uncompilable;
    /** The block's bytes within its page: [first, end); an empty block has its first byte, the instruction it leaves to the interpreter. */
    final int first, end;
    /** Neighbours in the list of the live blocks of its page ({@link PageCode}). */
    Block previousOnPage, nextOnPage;

    Block(int linear, int eip, int physicalAddress, int pageNumber, byte[] page, Op[] ops, int[] starts) {
        this.linear = linear;
        this.eip = eip;
        this.physicalAddress = physicalAddress;
        this.pageNumber = pageNumber;
        this.page = page;
        this.ops = ops;
        this.starts = starts;
        int end = starts[ops.length];
        this.lastByte = ops.length == 0 ? eip : end - 1;
        this.endsWithTransfer = ops.length > 0 && ops[ops.length - 1].transfersControl();
        this.first = physicalAddress & 0xFFF;
        this.end = first + Math.max(1, end - eip);
    }

    /** Whether the block holds a byte of [from, to) of its page. */
    boolean overlaps(int from, int to) {
        return from < end && first < to;
    }

    int length() {
        return ops.length;
    }
}
