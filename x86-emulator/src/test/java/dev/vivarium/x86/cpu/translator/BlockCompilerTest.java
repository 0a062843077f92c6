package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.CpuFault;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.vivarium.x86.cpu.translator.FlatSystem.CODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Blocks compiled to bytecode ({@link BlockCompiler}) do exactly what their ops do: a CPU that
 * compiles every block before its first run against one that runs the same blocks op by op,
 * over random programs of every decoded form; a fault in the middle of a compiled block; a
 * compiled block that rewrites its own code.
 */
class BlockCompilerTest {

    /** #SS, the stack-segment fault. */
    private static final int STACK_FAULT = 12;

    /** The concrete op classes: every form the decoder produces. */
    private static Set<String> opClasses() {
        Set<String> all = new TreeSet<>();
        for (Class<?> family : new Class<?>[]{AluOps.class, MoveOps.class, StackOps.class, BranchOps.class}) {
            for (Class<?> c : family.getDeclaredClasses()) {
                if (Op.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                    all.add(family.getSimpleName() + "." + c.getSimpleName());
                }
            }
        }
        return all;
    }

    /**
     * Random programs (RandomProgram: every decoded form, faults, interpreted forms between)
     * run compiled on one CPU and as ops on the other, compared after every slice; and every
     * block that starts at one of the program's instructions compiles, while together those
     * blocks hold an op of every class.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(FlatSystem.Mode.class)
    void compiledBlocksRunAsTheirOps(FlatSystem.Mode mode) {
        long seed = 77 + mode.ordinal();
        TwinCpus twins = new TwinCpus(0, FlatSystem.END);
        FlatSystem system = new FlatSystem(mode);
        system.build(twins);
        RandomProgram.load(twins, system, seed, 250); // enough chunks to hold every form
        system.enter(twins, CODE, FlatSystem.IF);
        Cpu ops = twins.interpreter();
        ops.setBlocksEnabled(true);
        ops.blockEngine().setCompileAfter(Integer.MAX_VALUE);
        twins.lockstep(mode + " compiled against ops", seed, 300_000, 3000, (slice, random) -> {
            if (random.nextInt(5) == 0) {
                twins.raise(0x20 + random.nextInt(16));
            }
        });

        assertThat(ops.blockEngine().compiler().compiledBlocks()).as("the second CPU ran ops only").isZero();
        assertThat(ops.blockInstructions()).as("as ops").isGreaterThan(100_000);
        assertThat(twins.blocks().blockEngine().compiler().compiledBlocks()).isGreaterThan(50);

        Set<String> seen = new HashSet<>();
        byte[] page = null;
        BlockDecoder decoder = new BlockDecoder();
        int blocks = 0;
        for (int at = CODE; at < CODE + FlatSystem.CODE_SIZE; at++) {
            if (twins.memory[0].readByte(FlatSystem.LENGTHS + at - CODE) == 0) {
                continue; // not the start of an instruction
            }
            if ((at & 0xFFF) == 0 || page == null) {
                page = twins.memory[0].codePage(at & ~0xFFF);
            }
            if (page == null) {
                continue; // never written: beyond the program
            }
            Block b = decoder.decode(page, at & 0xFFF, at, at, at, -1, -1);
            if (b.length() == 0) {
                continue;
            }
            blocks++;
            assertThat(BlockCompiler.generate(List.of(b))).as("bytecode of the block at %x", at).isNotNull();
            for (Op op : b.ops) {
                Class<?> c = op.getClass();
                seen.add(c.getEnclosingClass().getSimpleName() + "." + c.getSimpleName());
            }
        }
        assertThat(blocks).isGreaterThan(500);
        assertThat(seen).as("op classes in the program's blocks").containsAll(opClasses());
    }

    /**
     * A #SS raised by the third op of a compiled block: the ops before it are done, nothing of
     * the faulting one is, and the block reports the op's index so EIP goes back to it.
     */
    @Test
    void aFaultInTheMiddleOfACompiledBlockNamesItsOp() {
        Asm a = new Asm(CODE);
        a.b(0x43);                                       // inc ebx
        a.b(0xB9).d(7);                                  // mov ecx, 7
        a.b(0x8B, 0x45, 0x10);                           // mov eax, [ebp+0x10]: #SS(0), SS's limit is 0x7FFF
        a.b(0x43);                                       // inc ebx
        a.jump8(0xEB, a.here());                         // jmp $
        TwinCpus twins = BlockEquivalenceTest.flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        twins.both(c -> {
            c.setReg(Cpu.EBP, 0x7FF8);
            c.setReg(Cpu.EAX, 0x1234);
        });

        Cpu c = twins.blocks();
        Block b = new BlockDecoder().decode(twins.memory[0].codePage(CODE), 0, CODE, CODE, CODE, -1, -1);
        assertThat(b.length()).isEqualTo(5);
        Region region = new BlockCompiler().compile(b, eip -> null);
        assertThat(region).isNotNull();
        assertThat(new BlockCompiler().compile(b, eip -> null).compiled).as("the same bytes: the class is shared")
                .isSameAs(region.compiled);
        CpuFault f = catchThrowableOfType(() -> region.compiled.run(c, 100), CpuFault.class);
        assertThat(f.vector).isEqualTo(STACK_FAULT);
        assertThat(c.faultOp).isEqualTo(2);
        assertThat(c.faultDone - region.opRemaining[2]).as("instructions before the faulting one").isEqualTo(2);
        assertThat(region.opEip[2]).isEqualTo(CODE + 6);
        assertThat(c.reg(Cpu.EBX)).isEqualTo(1);
        assertThat(c.reg(Cpu.ECX)).isEqualTo(7);
        assertThat(c.reg(Cpu.EAX)).isEqualTo(0x1234);

        // Through the CPU, on fresh twins: EIP back on the MOV, delivered, skipped, resumed.
        TwinCpus fresh = BlockEquivalenceTest.flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        fresh.both(cpu -> cpu.setReg(Cpu.EBP, 0x7FF8));
        fresh.lockstep("fault in a compiled block", 21, 100, 100);
        for (int cpu : new int[]{TwinCpus.BLOCKS, TwinCpus.INTERPRETER}) {
            assertThat(FlatSystem.count(fresh, cpu, STACK_FAULT)).isEqualTo(1);
            assertThat(fresh.cpus[cpu].reg(Cpu.EBX)).isEqualTo(2);
        }
        assertThat(fresh.blocks().blockEngine().compiler().compiledBlocks()).isPositive();
    }

    /**
     * A compiled block whose first op stores into the immediate of its third: the block ends
     * after the store (what follows is decoded and compiled again), fifty times, so the loop
     * adds what was just written each time.
     */
    @Test
    void aCompiledBlockWritingItsOwnCodeEndsAfterTheWrite() {
        Asm a = new Asm(CODE);
        a.b(0xBB).d(0);                                  // mov ebx, 0
        a.b(0xBE).d(0);                                  // mov esi, 0
        int loop = a.here();
        int patched = loop + 7;
        a.b(0x88, 0x1D).d(patched + 1);                  // mov [patched+1], bl
        a.b(0x47);                                       // inc edi
        a.b(0xB8).d(0x11223344);                         // patched: mov eax, 0x11223344
        a.b(0x01, 0xC6);                                 // add esi, eax
        a.b(0x43);                                       // inc ebx
        a.b(0x83, 0xFB, 50);                             // cmp ebx, 50
        a.jump8(0x75, loop);                             // jne loop
        a.jump8(0xEB, a.here());                         // jmp $
        TwinCpus twins = flatData(a);

        // The loop's block on its own: the compiled code stops after the store and says so.
        Cpu c = twins.blocks();
        BlockCache cache = new BlockCache(c, twins.memory[0]);
        Block b = cache.find(loop, loop, -1);
        assertThat(b.length()).isEqualTo(7);
        Region region = new BlockCompiler().compile(b, eip -> null);
        c.setReg(Cpu.EBX, 0x55);
        c.blockEnded = false;
        assertThat(region.compiled.run(c, 100)).as("instructions retired").isEqualTo(1);
        assertThat(c.eip()).as("the next instruction").isEqualTo(loop + 6);
        assertThat(c.blockEnded).isTrue();
        assertThat(twins.memory[0].readByte(patched + 1)).isEqualTo(0x55);
        assertThat(cache.find(loop, loop, -1)).as("decoded again").isNotSameAs(b);

        // The whole loop through the CPU (with its own cache again), against the interpreter.
        TwinCpus fresh = flatData(a);
        fresh.lockstep("compiled block writes its own code", 22, 2_000, 3000);
        int expected = 50 * 0x11223300 + 49 * 50 / 2;
        assertThat(fresh.interpreter().reg(Cpu.ESI)).isEqualTo(expected);
        assertThat(fresh.blocks().reg(Cpu.ESI)).isEqualTo(expected);
        assertThat(fresh.blocks().blockEngine().compiler().compiledBlocks()).as("the region compiled anew after each of the 50 writes")
                .isGreaterThanOrEqualTo(50);
    }

    /**
     * Conditions right after the operation that set the flags, which compiled code computes from
     * that operation's operands instead of evaluating EFLAGS: every condition code, as SETcc and
     * as Jcc, after ADD, SUB, CMP, AND, OR, XOR, TEST, INC, DEC and ADC (evaluated the long way)
     * at 32 and 8 bits, over pairs of edge values (equal ones, zero, the signs' boundaries), must
     * give what the interpreter gives. Random programs hardly ever compare equal values, where
     * "less" and "less or equal" part.
     */
    @Test
    void conditionsAfterEveryFlagSettingOperationAreTheInterpretersOnEdgeValues() {
        int[] values = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x12345680, 0x12345600};
        int table = CODE + 0x6000;
        Asm t = new Asm(table);
        for (int x : values) {
            for (int y : values) {
                t.b().d(x).d(y);
            }
        }
        int[][] ops = {
                {0x01, 0xD9}, {0x29, 0xD9}, {0x39, 0xD9}, {0x21, 0xD9}, {0x09, 0xD9}, {0x31, 0xD9}, {0x85, 0xD9},
                {0x41}, {0x49}, {0x11, 0xD9},                  // add sub cmp and or xor test ecx, ebx; inc, dec ecx; adc
                {0x00, 0xD9}, {0x28, 0xD9}, {0x38, 0xD9}, {0x20, 0xD9}, {0x08, 0xD9}, {0x30, 0xD9}, {0x84, 0xD9},
                {0xFE, 0xC1}, {0xFE, 0xC9}};                   // the same on cl, bl
        Asm a = new Asm(CODE);
        a.b(0xBF).d(table);                              // mov edi, table
        a.b(0x31, 0xF6);                                 // xor esi, esi
        int top = a.here();
        a.b(0x8B, 0x07);                                 // mov eax, [edi]
        a.b(0x8B, 0x5F, 0x04);                           // mov ebx, [edi+4]
        for (int[] op : ops) {
            for (int cc = 0; cc < 16; cc++) {
                a.b(0x89, 0xC1);                         // mov ecx, eax
                a.b(op);                                 // the operation
                a.b(0x0F, 0x90 + cc, 0xC2);              // setcc dl
                a.b(0x0F, 0xB6, 0xD2);                   // movzx edx, dl
                a.b(0x6B, 0xF6, 0x03);                   // imul esi, esi, 3
                a.b(0x01, 0xD6);                         // add esi, edx
                a.b(0x89, 0xC1);                         // mov ecx, eax
                a.b(op);                                 // the operation again
                a.b(0x70 + cc, 0x01);                    // jcc over
                a.b(0x45);                               // inc ebp
            }
        }
        a.b(0x83, 0xC7, 0x08);                           // add edi, 8
        a.b(0x81, 0xFF).d(table + 8 * values.length * values.length); // cmp edi, end
        a.b(0x0F, 0x85).d(top - (a.here() + 4));         // jne top
        a.jump8(0xEB, a.here());                         // jmp $
        assertThat(a.here()).isLessThan(table);
        TwinCpus twins = flatData(a);
        twins.load(table, t.bytes());
        twins.lockstep("conditions on edge values", 24, 2_000_000, 3000);

        assertThat(twins.interpreter().eip()).as("ran to the end").isEqualTo(a.here() - 2);
        assertThat(twins.blocks().reg(Cpu.EBP)).isEqualTo(twins.interpreter().reg(Cpu.EBP)).isPositive();
        assertThat(twins.blocks().blockInstructions()).isGreaterThan(twins.blocks().instructions() / 2);
    }

    /** Twins at ring 0 without paging, with a flat DS so the code can be written. */
    private static TwinCpus flatData(Asm a) {
        TwinCpus twins = BlockEquivalenceTest.flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        twins.both(c -> c.loadSegmentCache(Cpu.DS, FlatSystem.KERNEL_DATA, 0, -1, 0xC093));
        return twins;
    }
}
