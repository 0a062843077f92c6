package dev.vivarium.x86.cpu.translator;

import java.util.List;

/**
 * Blocks compiled together into one JVM method ({@link BlockCompiler}): a hot block and the warm
 * blocks it reaches by direct jumps, calls and falls on the same page. Inside the method a
 * transfer to one of them is a jump, so a loop that stays in the region runs without returning
 * to the dispatcher, with the guest registers in host registers throughout. The region belongs
 * to its first block ({@link Block#region}), where the dispatcher finds it, and goes when a write
 * touches the bytes of any of its blocks.
 */
final class Region {

    /** The blocks, the first one the entry; all decoded from one page. */
    final Block[] blocks;
    /** Per op of the region, in emission order: its instruction's EIP. */
    final int[] opEip;
    /** Per op: the ops of its block from it to the block's end, itself included. */
    final int[] opRemaining;
    /** The highest EIP of any byte of the region: it runs only while that is within CS's limit. */
    final int lastByte;
    final CompiledBlock compiled;

    Region(List<Block> blocks, CompiledBlock compiled) {
        this.blocks = blocks.toArray(new Block[0]);
        this.compiled = compiled;
        int ops = 0;
        int last = 0;
        for (Block b : this.blocks) {
            ops += b.length();
            if (Integer.compareUnsigned(b.lastByte, last) > 0) {
                last = b.lastByte;
            }
        }
        this.lastByte = last;
        opEip = new int[ops];
        opRemaining = new int[ops];
        int k = 0;
        for (Block b : this.blocks) {
            for (int i = 0; i < b.length(); i++, k++) {
                opEip[k] = b.starts[i];
                opRemaining[k] = b.length() - i;
            }
        }
    }

    /** Whether a block of the region holds a byte of [from, to) of the page. */
    boolean overlaps(int from, int to) {
        for (Block b : blocks) {
            if (b.overlaps(from, to)) {
                return true;
            }
        }
        return false;
    }
}
