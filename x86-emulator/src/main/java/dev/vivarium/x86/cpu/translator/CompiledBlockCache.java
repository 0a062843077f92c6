package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The compiled blocks of every CPU in this JVM, by the bytes of their class: a block compiles to
 * the same bytes wherever the same code runs at the same address (one kernel in many VMs, a VM
 * started again), so such a CPU takes the class already defined, and already JIT-compiled,
 * instead of defining its own and running it slowly again until the JIT has caught up.
 *
 * <p>A compiled block holds no state (everything is in the {@link Cpu} it is given), so CPUs
 * on different threads share it safely. Entries are held softly: a class no block uses any
 * more goes when the heap needs room, and its entry with it.
 */
final class CompiledBlockCache {

    private static final ConcurrentHashMap<ByteBuffer, Entry> BLOCKS = new ConcurrentHashMap<>();
    private static final ReferenceQueue<CompiledBlock> CLEARED = new ReferenceQueue<>();

    private CompiledBlockCache() {
    }

    private static final class Entry extends SoftReference<CompiledBlock> {
        final ByteBuffer key;

        Entry(ByteBuffer key, CompiledBlock block) {
            super(block, CLEARED);
            this.key = key;
        }
    }

    /** The block compiled from {@code classBytes}: the shared one, or one {@code define} makes and this cache keeps. */
    static CompiledBlock get(byte[] classBytes, Function<byte[], CompiledBlock> define) {
        for (Object e; (e = CLEARED.poll()) != null; ) {
            BLOCKS.remove(((Entry) e).key, e);
        }
        ByteBuffer key = ByteBuffer.wrap(classBytes);
        Entry known = BLOCKS.get(key);
        CompiledBlock block = known == null ? null : known.get();
        if (block == null) {
            block = define.apply(classBytes);
            BLOCKS.put(key, new Entry(key, block)); // two threads racing both define; either result is right
        }
        return block;
    }

    /** Classes held now (tests). */
    static int size() {
        return BLOCKS.size();
    }
}
