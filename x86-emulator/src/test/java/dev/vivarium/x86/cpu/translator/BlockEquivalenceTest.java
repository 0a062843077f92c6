package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.vivarium.x86.cpu.translator.FlatSystem.CODE;
import static dev.vivarium.x86.cpu.translator.FlatSystem.DATA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoded-block engine is exactly the interpreter: a CPU running blocks and one running
 * only the interpreter, on separate memories from the same state, given the same run slices
 * (1 to a few thousand instructions, from a fixed seed), have the same registers, EFLAGS,
 * EIP, segment caches, control registers, instruction count and memory after every slice,
 * whatever the guest does: random code of every decoded form among interpreted ones, faults
 * inside blocks (#PF with paging, #GP and #SS on small segments, #DE), self-modifying code,
 * external interrupts between slices and interrupt shadows. A failure names the seed, the
 * slice, EIP and the code bytes there.
 */
class BlockEquivalenceTest {

    private static final long INSTRUCTIONS = 1_000_000;
    private static final int MAX_SLICE = 3000;

    static Stream<Arguments> randomPrograms() {
        List<Arguments> cases = new ArrayList<>();
        for (FlatSystem.Mode mode : FlatSystem.Mode.values()) {
            for (long seed = 1; seed <= 4; seed++) {
                cases.add(Arguments.of(mode, seed * 1_000_003L + mode.ordinal()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("randomPrograms")
    void randomProgramsRunAsInTheInterpreter(FlatSystem.Mode mode, long seed) {
        TwinCpus twins = new TwinCpus(0, FlatSystem.END);
        FlatSystem system = new FlatSystem(mode);
        system.build(twins);
        RandomProgram.load(twins, system, seed, 40);
        system.enter(twins, CODE, FlatSystem.IF | (int) (seed & 0x8D5));
        // Now and then an external interrupt becomes pending between two slices.
        int slices = twins.lockstep(mode + " random program", seed, INSTRUCTIONS, MAX_SLICE, (slice, random) -> {
            if (random.nextInt(5) == 0) {
                twins.raise(0x20 + random.nextInt(16));
            }
        });

        assertThat(twins.interpreter().instructions()).as("ran the whole budget").isGreaterThanOrEqualTo(INSTRUCTIONS);
        assertThat(slices).isGreaterThan(100);
        assertThat(twins.lines[TwinCpus.INTERPRETER].acknowledged).as("interrupts delivered").isPositive();
        // The program took faults inside what the block CPU ran as blocks, and went on after them.
        int faults = 0;
        for (int v : new int[]{0, 6, 12, 13, 14}) {
            faults += FlatSystem.count(twins, TwinCpus.INTERPRETER, v);
        }
        if (mode == FlatSystem.Mode.USER_PAGING) {
            assertThat(FlatSystem.count(twins, TwinCpus.INTERPRETER, 14)).as("#PF").isPositive();
        } else {
            // #SS comes from the rarer SS-relative accesses near the stack segment's limit: most seeds, not all.
            assertThat(FlatSystem.count(twins, TwinCpus.INTERPRETER, 13)).as("#GP").isPositive();
        }
        assertThat(faults).isGreaterThan(10);
    }

    /**
     * Random bytes run as code at ring 3 with paging: whatever the decoder makes of them
     * (undefined forms, instructions cut by the end of a page, stores into the code being run,
     * pages whose code is rewritten past the cache's limit), the block CPU does what the
     * interpreter does. Every fault skips one byte.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 202, 303, 404})
    void randomBytesRunAsInTheInterpreter(long seed) {
        TwinCpus twins = new TwinCpus(0, FlatSystem.END);
        FlatSystem system = new FlatSystem(FlatSystem.Mode.USER_PAGING);
        system.build(twins);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] code = new byte[FlatSystem.CODE_SIZE];
        random.nextBytes(code);
        twins.load(CODE, code);
        system.enter(twins, CODE + random.nextInt(FlatSystem.CODE_SIZE), FlatSystem.IF);
        twins.lockstep("random bytes", seed, 1_000_000, MAX_SLICE, (slice, r) -> {
            if (r.nextInt(5) == 0) {
                twins.raise(0x20 + r.nextInt(16));
            }
        });
        assertThat(twins.interpreter().instructions()).isGreaterThanOrEqualTo(1_000_000);
    }

    /**
     * Random bytes run as code at ring 0, without paging: system instructions too (descriptor
     * tables, control registers, far transfers into 16-bit code, paging switched on over the
     * page tables left in memory), until the machine shuts down or halts; then it is built and
     * entered again with new bytes, on the same CPUs, so stale blocks must be dropped as the
     * tables and code are loaded again. All of RAM is compared.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {505, 606, 707, 808})
    void randomBytesAtRingZeroRunAsInTheInterpreter(long seed) {
        TwinCpus twins = new TwinCpus(0, TwinCpus.RAM);
        FlatSystem system = new FlatSystem(FlatSystem.Mode.KERNEL_SEGMENTS);
        SplittableRandom random = new SplittableRandom(seed);
        int episodes = 0;
        while (twins.interpreter().instructions() < 400_000) {
            system.build(twins);
            byte[] code = new byte[FlatSystem.CODE_SIZE];
            random.nextBytes(code);
            twins.load(CODE, code);
            system.enter(twins, CODE + random.nextInt(FlatSystem.CODE_SIZE), FlatSystem.IF);
            twins.lockstep("ring-0 random bytes, episode " + episodes, seed * 1000 + episodes,
                    twins.interpreter().instructions() + 50_000, MAX_SLICE, (slice, r) -> {
                        if (r.nextInt(5) == 0) {
                            twins.raise(0x20 + r.nextInt(16));
                        }
                    });
            episodes++;
        }
        assertThat(episodes).isGreaterThan(1);
    }

    // ---- hand-written programs ----

    /** Twins in {@code mode} with the programs loaded (and their lengths, for the fault handlers), entered at CODE. */
    static TwinCpus flat(FlatSystem.Mode mode, Asm... code) {
        TwinCpus twins = new TwinCpus(0, FlatSystem.END);
        FlatSystem system = new FlatSystem(mode);
        system.build(twins);
        for (Asm a : code) {
            twins.load(a.origin, a.bytes());
            if (a.origin >= CODE && a.origin < CODE + FlatSystem.CODE_SIZE) {
                twins.load(FlatSystem.LENGTHS + a.origin - CODE, a.lengths());
            }
        }
        system.enter(twins, CODE, FlatSystem.IF);
        return twins;
    }

    /**
     * A store that rewrites the immediate of the very next instruction, in the same block, 200
     * times: the block must stop after the store, and past 64 rewrites the page is left to the
     * interpreter, which must change nothing either.
     */
    @Test
    void aStoreRewritingTheNextInstructionTakesEffectAtOnce() {
        Asm a = new Asm(CODE);
        a.b(0xBB).d(0);                                  // mov ebx, 0
        a.b(0xBE).d(0);                                  // mov esi, 0
        int loop = a.here();
        int patched = loop + 6;
        a.b(0x88, 0x1D).d(patched + 1);                  // mov [patched+1], bl
        a.b(0xB8).d(0x11223344);                         // patched: mov eax, 0x11223344
        a.b(0x01, 0xC6);                                 // add esi, eax
        a.b(0x43);                                       // inc ebx
        a.b(0x81, 0xFB).d(200);                          // cmp ebx, 200
        a.jump8(0x75, loop);                             // jne loop
        a.jump8(0xEB, a.here());                         // jmp $
        TwinCpus twins = flat(FlatSystem.Mode.USER_PAGING, a);
        twins.lockstep("rewrite next instruction", 11, 20_000, MAX_SLICE);

        int expected = 200 * 0x11223300 + 199 * 200 / 2;
        assertThat(twins.interpreter().reg(Cpu.ESI)).isEqualTo(expected);
        assertThat(twins.blocks().reg(Cpu.ESI)).isEqualTo(expected);
    }

    /**
     * Data beside code: a loop updates two variables on its own page, one in the very 64-byte
     * line of its last instructions and one further on, and now and then stores into the
     * immediate of one of its instructions. Only that store drops code: the data writes leave
     * the blocks decoded and compiled, so nearly every instruction runs in a block and each
     * block is compiled about once (a page-wide watch would decode the page again after every
     * write, and give it up to the interpreter after 64).
     */
    @Test
    void writesToDataBesideCodeKeepItsBlocks() {
        Asm a = new Asm(CODE);
        a.b(0xBB).d(0);                                  // mov ebx, 0
        int loop = a.here();
        int counter = CODE + 0x40 - 4;                   // in the line of the loop's tail
        int far = CODE + 0x800;
        a.b(0x01, 0x1D).d(counter);                      // add [counter], ebx
        a.b(0xFF, 0x05).d(far);                          // inc dword [far]
        int patched = a.here();
        a.b(0xB8).d(0);                                  // patched: mov eax, imm
        a.b(0x01, 0xC6);                                 // add esi, eax
        a.b(0xF7, 0xC3).d(0x3FF);                        // test ebx, 0x3ff
        int skip = a.here();
        a.b(0x75, 0);                                    // jnz next (patched below)
        a.b(0x89, 0x1D).d(patched + 1);                  // mov [patched+1], ebx: into the code
        int next = a.here();
        a.b(0x43);                                       // inc ebx
        a.b(0x81, 0xFB).d(20_000);                       // cmp ebx, 20000
        a.jump8(0x75, loop);                             // jne loop
        a.jump8(0xEB, a.here());                         // jmp $
        assertThat(a.here()).as("the code ends in the counter's line").isBetween(counter - 0x3C, counter);
        byte[] code = a.bytes();
        code[skip + 1 - CODE] = (byte) (next - (skip + 2));
        TwinCpus twins = flat(FlatSystem.Mode.USER_PAGING);
        twins.load(CODE, code);
        twins.both(c -> c.blockEngine().setCompileAfter(10));
        twins.lockstep("data beside code", 23, 200_000, MAX_SLICE);

        long sum = 0;
        for (int i = 0; i < 20_000; i++) {
            // The immediate is the last multiple of 1024 stored before the MOV ran.
            sum += (i & 0x3FF) == 0 ? Math.max(0, i - 1024) : i & ~0x3FF;
        }
        for (Cpu c : twins.cpus) {
            assertThat(c.reg(Cpu.EBX)).isEqualTo(20_000);
            assertThat(c.reg(Cpu.ESI)).isEqualTo((int) sum);
        }
        assertThat(twins.readDword(TwinCpus.BLOCKS, counter)).isEqualTo(19_999 * 20_000 / 2);
        assertThat(twins.readDword(TwinCpus.BLOCKS, far)).isEqualTo(20_000);
        Cpu blocks = twins.blocks();
        assertThat(blocks.blockInstructions()).as("instructions run in blocks")
                .isGreaterThan(blocks.instructions() * 95 / 100);
        assertThat(blocks.blockEngine().compiler().compiledBlocks()).as("blocks compiled, again only after a store into the code")
                .isBetween(3L, 3L * 25);
    }

    /**
     * The tail of a loop from {@code loop}: EBX becomes the immediate of the "mov eax, imm"
     * at {@code function}, which is then called; EAX is added into the register of ModRM
     * {@code addModRm} (ADD r/m32, EAX), and the loop runs {@code times} times, then stops at a jmp $.
     */
    private static void patchCallAndAdd(Asm a, int loop, int function, int addModRm, int times) {
        a.b(0x89, 0x1D).d(function + 1);                 // mov [function+1], ebx
        a.b(0xE8).d(function - (a.here() + 4));          // call function
        a.b(0x01, addModRm);                             // add r/m32, eax
        a.b(0x43);                                       // inc ebx
        a.b(0x83, 0xFB, times);                          // cmp ebx, times
        a.jump8(0x75, loop);                             // jne loop
        a.jump8(0xEB, a.here());                         // jmp $
    }

    /** A loop in one page patches a function in another page between calls to it. */
    @Test
    void aStoreIntoAnotherBlocksPageIsSeenByItsNextRun() {
        int function = CODE + 0x1000;
        Asm f = new Asm(function);
        f.b(0xB8).d(0x5555);                             // mov eax, imm (patched)
        f.b(0xC3);                                       // ret
        Asm a = new Asm(CODE);
        a.b(0xBB).d(0);                                  // mov ebx, 0
        a.b(0xBE).d(0);                                  // mov esi, 0
        patchCallAndAdd(a, a.here(), function, 0xC6, 100); // into esi
        TwinCpus twins = flat(FlatSystem.Mode.USER_PAGING, a, f);
        twins.lockstep("patch another page", 12, 20_000, MAX_SLICE);

        assertThat(twins.interpreter().reg(Cpu.ESI)).isEqualTo(99 * 100 / 2);
        assertThat(twins.blocks().reg(Cpu.ESI)).isEqualTo(99 * 100 / 2);
    }

    /**
     * A loader: code copied from data into a page (by REP MOVSB, interpreted, and by two
     * MOVSD, decoded), patched, then called; fifty times over the same page.
     */
    @Test
    void codeWrittenThenExecutedRunsWhatWasWritten() {
        int template = DATA + 0x100;
        int target = CODE + 0x2000;
        Asm t = new Asm(template);
        t.b(0xB8).d(0);                                  // mov eax, imm (patched)
        t.b(0xC3, 0x90);                                 // ret; nop (eight bytes for two MOVSD)
        Asm a = new Asm(CODE);
        a.b(0xBB).d(0);                                  // mov ebx, 0
        a.b(0xBA).d(0);                                  // mov edx, 0
        int loop = a.here();
        a.b(0xBE).d(template);                           // mov esi, template
        a.b(0xBF).d(target);                             // mov edi, target
        a.b(0xF6, 0xC3, 1);                              // test bl, 1
        int branch = a.here();
        a.b(0x75, 0);                                    // jnz movsd (patched below)
        a.b(0xB9).d(8);                                  // mov ecx, 8
        a.b(0xF3, 0xA4);                                 // rep movsb
        int skip = a.here();
        a.b(0xEB, 0);                                    // jmp patch (patched below)
        int movsd = a.here();
        a.b(0xA5, 0xA5);                                 // movsd; movsd
        int patch = a.here();
        patchCallAndAdd(a, loop, target, 0xC2, 50);      // into edx
        byte[] code = a.bytes();
        code[branch + 1 - CODE] = (byte) (movsd - (branch + 2));
        code[skip + 1 - CODE] = (byte) (patch - (skip + 2));
        TwinCpus twins = flat(FlatSystem.Mode.USER_PAGING, t);
        twins.load(CODE, code);
        twins.lockstep("loader", 13, 20_000, MAX_SLICE);

        assertThat(twins.interpreter().reg(Cpu.EDX)).isEqualTo(49 * 50 / 2);
        assertThat(twins.blocks().reg(Cpu.EDX)).isEqualTo(49 * 50 / 2);
    }

    /**
     * An interrupt raised between slices while the program toggles IF and reloads SS: it is
     * taken only where the interpreter takes it, never inside the shadow of STI or MOV SS.
     */
    @Test
    void interruptsArriveAtTheSameInstructionAroundShadows() {
        Asm a = new Asm(CODE);
        int loop = a.here();
        a.b(0xFA, 0x43);                                 // cli; inc ebx
        a.b(0xFB, 0x40);                                 // sti; inc eax (in the shadow)
        a.b(0x41, 0x01, 0xC6);                           // inc ecx; add esi, eax
        a.b(0x8C, 0xD2, 0x8E, 0xD2);                     // mov edx, ss; mov ss, edx
        a.b(0x47, 0x01, 0xDF);                           // inc edi (in the shadow); add edi, ebx
        a.jump8(0xEB, loop);
        TwinCpus twins = flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        twins.lockstep("shadows", 14, 100_000, 40, (slice, random) -> {
            if (random.nextBoolean()) {
                twins.raise(0x21);
            }
        });
        assertThat(FlatSystem.count(twins, TwinCpus.INTERPRETER, 0x21)).isGreaterThan(200);
    }

    /** Six segment prefixes make an 11-byte instruction 17 bytes long: #GP(0), whoever runs it. */
    @Test
    void anInstructionLongerThanFifteenBytesFaults() {
        Asm a = new Asm(CODE);
        a.b(0x40);                                       // inc eax: the block starts before the long one
        a.b(0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x81, 0x05).d(0x100).d(0x1234); // add dword [0x100], 0x1234
        a.b(0x3E, 0x3E, 0x3E, 0x3E, 0x81, 0x05).d(0x104).d(0x1234);             // 15 bytes: legal
        a.jump8(0xEB, a.here());                         // jmp $
        TwinCpus twins = flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        twins.lockstep("17-byte instruction", 15, 100, 100);

        assertThat(FlatSystem.count(twins, TwinCpus.INTERPRETER, 13)).as("#GP in the interpreter").isEqualTo(1);
        assertThat(twins.readDword(TwinCpus.INTERPRETER, DATA + 0x100)).isZero();
        assertThat(twins.readDword(TwinCpus.INTERPRETER, DATA + 0x104)).isEqualTo(0x1234);
    }

    /** Page faults in the middle of a block: absent, read-only and supervisor pages at ring 3. */
    @Test
    void pageFaultsInsideABlockReportTheSameAddressAndErrorCode() {
        Asm a = new Asm(CODE);
        a.b(0x43);                                       // inc ebx
        a.b(0xA1).d(DATA + 0x5004);                      // mov eax, [absent page]: #PF, error 4
        a.b(0x43);
        a.b(0xA3).d(DATA + 0x2008);                      // mov [read-only page], eax: #PF, error 7
        a.b(0x43);
        a.b(0x8B, 0x0D).d(DATA + 0x400C);                // mov ecx, [supervisor page]: #PF, error 5
        a.b(0x43);
        a.jump8(0xEB, a.here());                         // jmp $
        TwinCpus twins = flat(FlatSystem.Mode.USER_PAGING, a);
        twins.lockstep("page faults", 16, 200, 200);

        for (int cpu : new int[]{TwinCpus.BLOCKS, TwinCpus.INTERPRETER}) {
            assertThat(FlatSystem.count(twins, cpu, 14)).isEqualTo(3);
            assertThat(twins.readDword(cpu, FlatSystem.LAST_CR2)).isEqualTo(DATA + 0x400C);
            assertThat(twins.readDword(cpu, FlatSystem.LAST_ERROR)).isEqualTo(5);
            assertThat(twins.cpus[cpu].reg(Cpu.EBX)).isEqualTo(4);
        }
    }

    /** A stack-segment limit fault in the middle of a block, on a 32 KiB stack segment at ring 0. */
    @Test
    void aStackSegmentFaultInsideABlockIsDeliveredAsInTheInterpreter() {
        Asm a = new Asm(CODE);
        a.b(0xBD).d(0x7FF8);                             // mov ebp, 0x7FF8
        a.b(0x43);                                       // inc ebx
        a.b(0x8B, 0x45, 0x10);                           // mov eax, [ebp+0x10]: #SS(0)
        a.b(0x43);
        a.b(0x89, 0x45, 0x06);                           // mov [ebp+6], eax: #SS(0), the dword crosses the limit
        a.b(0x43);
        a.b(0x64, 0x89, 0x45, 0x04);                     // mov fs:[ebp+4], eax: #GP(0), FS's limit is 4 KiB
        a.b(0x43);
        a.jump8(0xEB, a.here());
        TwinCpus twins = flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        twins.lockstep("stack fault", 17, 200, 200);

        for (int cpu : new int[]{TwinCpus.BLOCKS, TwinCpus.INTERPRETER}) {
            assertThat(FlatSystem.count(twins, cpu, 12)).isEqualTo(2);
            assertThat(FlatSystem.count(twins, cpu, 13)).isEqualTo(1);
            assertThat(twins.cpus[cpu].reg(Cpu.EBX)).isEqualTo(4);
        }
    }

    /**
     * Where the interpreter's instruction fetch walks the page tables must not move: it walks
     * when execution enters a page its fetch window does not cover and the TLB has lost the
     * page. Here ring-0 code clears the accessed bit of another code page's PTE (no INVLPG)
     * and evicts that page from the TLB with a data access, then jumps there: the interpreter
     * walks (setting the bit again), so the block CPU must too, though it ran the blocks of
     * the first page without fetching.
     */
    @Test
    void theFetchWalksThePageTablesWhereTheInterpreterDoes() {
        int second = CODE + 0x1000;
        int alias = (0x100 + (second >>> 12)) << 12;     // a page on the same direct-mapped TLB entry
        int pte = FlatSystem.PAGE_TABLE + (second >>> 12) * 4;
        Asm c2 = new Asm(second);
        c2.b(0xFC);                                      // cld: interpreted, so the fetch window is here
        c2.b(0xE9).d(CODE - (c2.here() + 4));            // jmp CODE
        Asm c1 = new Asm(CODE);
        c1.b(0x81, 0x25).d(pte).d(~0x20);                // and dword [pte], ~ACCESSED
        c1.b(0xA1).d(alias);                             // mov eax, [alias]: evicts the second page's TLB entry
        c1.b(0x43);                                      // inc ebx
        c1.b(0xE9).d(second - (c1.here() + 4));          // jmp second
        TwinCpus twins = new TwinCpus(0, FlatSystem.END);
        FlatSystem system = new FlatSystem(FlatSystem.Mode.USER_PAGING);
        system.build(twins);
        twins.load(c1.origin, c1.bytes());
        twins.load(c2.origin, c2.bytes());
        system.enter(twins, second, 0);
        twins.both(c -> {
            c.loadSegmentCache(Cpu.CS, FlatSystem.KERNEL_CODE, 0, -1, 0xC09B);
            for (int seg : new int[]{Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
                c.loadSegmentCache(seg, FlatSystem.KERNEL_DATA, 0, -1, 0xC093);
            }
            c.setReg(Cpu.ESP, FlatSystem.KERNEL_STACK_TOP);
        });
        twins.lockstep("fetch walks", 18, 5_000, 50);

        assertThat(twins.interpreter().reg(Cpu.EBX)).isGreaterThan(100);
        // Not vacuous: the fetch at the second page walked and set the bit the loop clears.
        while (twins.interpreter().eip() != second + 1) {
            twins.both(c -> c.run(1));
        }
        for (int cpu : new int[]{TwinCpus.BLOCKS, TwinCpus.INTERPRETER}) {
            assertThat(twins.readDword(cpu, pte) & 0x20).as("accessed bit set by the fetch").isNotZero();
        }
    }

    /** Division faults in the middle of a block: by zero, quotient overflow, INT_MIN / -1 (32 and 64 bits), 8-bit overflow. */
    @Test
    void divisionFaultsInsideABlockAreDeliveredAsInTheInterpreter() {
        Asm a = new Asm(CODE);
        a.b(0x43);                                       // inc ebx
        a.b(0xB9).d(0).b(0xF7, 0xF1);                    // mov ecx, 0; div ecx
        a.b(0x43);
        a.b(0xBA).d(0x7FFFFFFF).b(0xB9).d(3).b(0xF7, 0xF1); // mov edx, 0x7fffffff; mov ecx, 3; div ecx
        a.b(0x43);
        a.b(0xBA).d(-1).b(0xB8).d(0x80000000).b(0xB9).d(-1).b(0xF7, 0xF9); // idiv ecx: -2^31 / -1
        a.b(0x43);
        a.b(0xBA).d(0x80000000).b(0xB8).d(0).b(0xF7, 0xF9); // idiv ecx: -2^63 / -1
        a.b(0x43);
        a.b(0xB8).d(0x1000).b(0xB1, 2).b(0xF6, 0xF1);    // mov eax, 0x1000; mov cl, 2; div cl: 0x800 > 0xFF
        a.b(0x43);
        a.b(0xBA).d(0).b(0xB8).d(7).b(0xB9).d(2).b(0xF7, 0xF1); // 7 / 2: no fault
        a.b(0x43);
        a.jump8(0xEB, a.here());
        TwinCpus twins = flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        twins.lockstep("division faults", 19, 300, 300);

        for (int cpu : new int[]{TwinCpus.BLOCKS, TwinCpus.INTERPRETER}) {
            assertThat(FlatSystem.count(twins, cpu, 0)).isEqualTo(5);
            assertThat(twins.cpus[cpu].reg(Cpu.EBX)).isEqualTo(7);
            assertThat(twins.cpus[cpu].reg(Cpu.EAX)).isEqualTo(3);
            assertThat(twins.cpus[cpu].reg(Cpu.EDX)).isEqualTo(1);
        }
    }

    /**
     * With the A20 gate disabled, code runs at 0x140000, which is 0x40000, and rewrites itself
     * through the 0x40000 alias: the blocks decoded at the one address must see the store made
     * at the other.
     */
    @Test
    void codeRewrittenThroughAnA20AliasIsSeen() {
        int alias = CODE | 1 << 20;
        Asm a = new Asm(CODE);
        a.b(0xBB).d(0);                                  // mov ebx, 0
        a.b(0xBE).d(0);                                  // mov esi, 0
        int loop = a.here();
        int patched = loop + 6;
        a.b(0x88, 0x1D).d(patched + 1);                  // mov [patched+1], bl: through the low alias
        a.b(0xB8).d(0x11223344);                         // patched: mov eax, 0x11223344
        a.b(0x01, 0xC6);                                 // add esi, eax
        a.b(0x43);                                       // inc ebx
        a.b(0x83, 0xFB, 100);                            // cmp ebx, 100
        a.jump8(0x75, loop);                             // jne loop
        a.jump8(0xEB, a.here());                         // jmp $
        TwinCpus twins = flat(FlatSystem.Mode.KERNEL_SEGMENTS, a);
        for (int cpu = 0; cpu < 2; cpu++) {
            twins.memory[cpu].setA20Enabled(false);
        }
        twins.both(c -> {
            c.loadSegmentCache(Cpu.DS, FlatSystem.KERNEL_DATA, 0, -1, 0xC093);
            c.setEip(alias);
        });
        twins.lockstep("A20 alias", 20, 10_000, MAX_SLICE);

        int expected = 100 * 0x11223300 + 99 * 100 / 2;
        assertThat(twins.interpreter().reg(Cpu.ESI)).isEqualTo(expected);
        assertThat(twins.blocks().reg(Cpu.ESI)).isEqualTo(expected);
        assertThat(twins.interpreter().eip() & ~0xFFFF).as("ran at the high alias").isEqualTo(alias);
    }
}
