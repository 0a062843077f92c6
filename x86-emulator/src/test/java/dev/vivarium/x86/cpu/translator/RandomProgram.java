package dev.vivarium.x86.cpu.translator;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random program for {@link FlatSystem}'s code area: chunks of random instructions, each
 * chunk ending in a jump to a random chunk, with branches, calls and returns between chunk
 * starts, so blocks are entered again and again. The instructions are every form
 * {@link BlockDecoder} takes (all ModRM and SIB forms, segment overrides, 8-bit registers,
 * shift counts 0/1/31/CL, division faults, all condition codes) mixed with forms it leaves to
 * the interpreter (66 prefixes, PUSHF/POPF, flag instructions, REP STOSB, LOOP, MOV SS, STI,
 * instructions longer than 15 bytes). Base registers are loaded with pointers into the data
 * area just before use, so most accesses land there. The length of every instruction goes into
 * {@link FlatSystem#LENGTHS}, where the fault handlers find how far to skip.
 */
final class RandomProgram {

    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    private static final int[] SEGMENT_PREFIXES = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};

    private final SplittableRandom random;
    private final FlatSystem system;
    private byte[] code = new byte[FlatSystem.CODE_SIZE];
    private int size;
    private final byte[] lengths = new byte[FlatSystem.CODE_SIZE];
    private final int[] chunkStarts;
    /** Places to patch once every chunk start is known: a rel32 (relative to {@code next}) or an absolute imm32. */
    private final List<int[]> fixups = new ArrayList<>();
    private int chunk;
    /** Data offsets of the counters that bound backward transfers (random pointers stay above them). */
    static final int GUARDS = 0x40, MAX_GUARDS = 100, GUARD_TURNS = 3, FIRST_RANDOM_OFFSET = 0x200;
    private int guards;

    /** The instruction being emitted. */
    private final ByteArrayOutputStream ins = new ByteArrayOutputStream();

    private RandomProgram(SplittableRandom random, FlatSystem system, int chunks) {
        this.random = random;
        this.system = system;
        this.chunkStarts = new int[chunks];
    }

    /** Generates a program of {@code chunks} chunks and loads it (and its length table) into both memories. */
    static void load(TwinCpus twins, FlatSystem system, long seed, int chunks) {
        RandomProgram p = new RandomProgram(new SplittableRandom(seed), system, chunks);
        byte[] bytes = p.generate();
        twins.load(FlatSystem.CODE, bytes);
        twins.load(FlatSystem.LENGTHS, java.util.Arrays.copyOf(p.lengths, bytes.length));
        for (int g = 0; g < p.guards; g++) {
            twins.writeDword(FlatSystem.DATA + GUARDS + 4 * g, GUARD_TURNS);
        }
    }

    private byte[] generate() {
        for (chunk = 0; chunk < chunkStarts.length; chunk++) {
            chunkStarts[chunk] = here();
            emit(0xBC); // mov esp, top: each chunk starts on a sane stack
            d32(system.stackTop());
            end();
            int n = 4 + random.nextInt(40);
            for (int i = 0; i < n; i++) {
                instruction();
            }
            if (chunk == chunkStarts.length - 1) {
                // Around again, with every backward transfer allowed its few turns anew (REP STOSD).
                movImm(EDI, system.pointer(GUARDS));
                movImm(ECX, guards);
                movImm(EAX, GUARD_TURNS);
                emit(0xF3, 0xAB);
                end();
            }
            emit(0xE9); // on to the next chunk
            rel32ToChunk((chunk + 1) % chunkStarts.length);
            end();
        }
        byte[] bytes = java.util.Arrays.copyOf(code, size);
        for (int[] f : fixups) {
            int target = chunkStarts[f[1]];
            FlatSystem.putInt(bytes, f[0] - FlatSystem.CODE, f[2] == 0 ? target : target - f[2]);
        }
        if (bytes.length > FlatSystem.CODE_SIZE) {
            throw new IllegalStateException("program too long: " + bytes.length);
        }
        return bytes;
    }

    // ---- emitting ----

    private int here() {
        return FlatSystem.CODE + size + ins.size();
    }

    private void emit(int... bytes) {
        for (int b : bytes) {
            ins.write(b);
        }
    }

    private void d32(int v) {
        emit(v, v >>> 8, v >>> 16, v >>> 24);
    }

    private void imm(int size, int v) {
        if (size == 1) {
            emit(v);
        } else if (size == 2) {
            emit(v, v >>> 8);
        } else {
            d32(v);
        }
    }

    /** Ends the instruction being emitted: records its length for the fault handlers. */
    private void end() {
        byte[] b = ins.toByteArray();
        lengths[size] = (byte) b.length;
        System.arraycopy(b, 0, code, size, b.length);
        size += b.length;
        ins.reset();
    }

    private void rel32ToChunk(int target) {
        fixups.add(new int[]{here(), target, here() + 4});
        d32(0);
    }

    private void absoluteChunk(int target) {
        fixups.add(new int[]{here(), target, 0});
        d32(0);
    }

    private void movImm(int reg, int v) {
        emit(0xB8 + reg);
        d32(v);
        end();
    }

    /** A register other than ESP. */
    private int reg() {
        int r = random.nextInt(7);
        return r >= ESP ? r + 1 : r;
    }

    private int interesting() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 0x80000000;
            case 3 -> 0x7FFFFFFF;
            case 4 -> random.nextInt(256);
            default -> random.nextInt();
        };
    }

    private void maybeSegmentPrefix() {
        if (random.nextInt(5) == 0) {
            emit(SEGMENT_PREFIXES[random.nextInt(SEGMENT_PREFIXES.length)]);
        }
    }

    /** A data offset for a pointer, now and then right at the 32 KiB limit of the stack segment. */
    private int dataOffset() {
        return random.nextInt(4) == 0 ? 0x7F80 + random.nextInt(0x80)
                : FIRST_RANDOM_OFFSET + random.nextInt(0x7FF0 - FIRST_RANDOM_OFFSET);
    }

    /**
     * A memory operand with {@code regField}: ModRM, SIB and displacement in every 32-bit form.
     * Base and index registers are loaded first (those instructions are emitted before the one
     * being built, so the caller must emit its prefixes and opcode after calling this).
     */
    private byte[] memoryOperand(int regField) {
        int form = random.nextInt(9);
        int base = reg(), index = reg();
        while (index == base) {
            index = reg();
        }
        int scale = random.nextInt(4);
        int off = dataOffset();
        int small = random.nextInt(16);
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        switch (form) {
            case 0 -> { // [disp32]
                m.write(regField << 3 | 5);
                le(m, system.pointer(off));
            }
            case 1 -> { // [base]
                base = base == EBP ? EBX : base;
                movImm(base, system.pointer(off));
                m.write(regField << 3 | base);
            }
            case 2 -> { // [base + disp8], EBP included (SS)
                movImm(base, system.pointer(off));
                m.write(0x40 | regField << 3 | base);
                m.write(random.nextInt(256));
            }
            case 3 -> { // [base + disp32]
                movImm(base, system.pointer(off) - 0x1000);
                m.write(0x80 | regField << 3 | base);
                le(m, 0x1000 + random.nextInt(16));
            }
            case 4 -> { // [base + index * scale]
                base = base == EBP ? EBX : base;
                movImm(base, system.pointer(off));
                movImm(index, small);
                m.write(regField << 3 | 4);
                m.write(scale << 6 | index << 3 | base);
            }
            case 5 -> { // [index * scale + disp32]: SIB without a base
                movImm(index, small);
                m.write(regField << 3 | 4);
                m.write(scale << 6 | index << 3 | 5);
                le(m, system.pointer(off));
            }
            case 6 -> { // [esp + disp8] (SS), no index
                m.write(0x40 | regField << 3 | 4);
                m.write(4 << 3 | ESP);
                m.write(random.nextInt(64) & ~3);
            }
            case 7 -> { // [ebp + index * scale + disp8] (SS)
                movImm(EBP, system.pointer(off));
                movImm(index, small);
                m.write(0x40 | regField << 3 | 4);
                m.write(scale << 6 | index << 3 | EBP);
                m.write(random.nextInt(256));
            }
            default -> { // [base + disp32] through SIB with no index (index field 100)
                movImm(base, system.pointer(off) - 0x100);
                m.write(0x80 | regField << 3 | 4);
                m.write(random.nextInt(4) << 6 | 4 << 3 | base);
                le(m, 0x100);
            }
        }
        return m.toByteArray();
    }

    private static void le(ByteArrayOutputStream m, int v) {
        for (int k = 0; k < 4; k++) {
            m.write(v >>> (8 * k));
        }
    }

    /** ModRM of a register operand, or a memory operand, for {@code regField}. */
    private byte[] rm(int regField, boolean allowEsp) {
        if (random.nextBoolean()) {
            int r = allowEsp ? random.nextInt(8) : reg();
            return new byte[]{(byte) (0xC0 | regField << 3 | r)};
        }
        return memoryOperand(regField);
    }

    /** An opcode (with optional segment prefix) and its ModRM operand, then the instruction is ended by the caller. */
    private void withRm(byte[] modrm, int... opcode) {
        maybeSegmentPrefix();
        emit(opcode);
        emit(toInts(modrm));
    }

    private static int[] toInts(byte[] b) {
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i] & 0xFF;
        }
        return r;
    }

    // ---- instructions ----

    private void instruction() {
        switch (random.nextInt(24)) {
            case 0 -> movImm(reg(), interesting());
            case 1, 2 -> { // ALU in the r/m,reg and reg,r/m forms, 8 and 32 bits, TEST, XCHG, MOV
                int[] ops = {0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0A, 0x0B, 0x10, 0x11, 0x12, 0x13, 0x18, 0x19, 0x1A, 0x1B,
                        0x20, 0x21, 0x22, 0x23, 0x28, 0x29, 0x2A, 0x2B, 0x30, 0x31, 0x32, 0x33, 0x38, 0x39, 0x3A, 0x3B,
                        0x84, 0x85, 0x87, 0x88, 0x89, 0x8A, 0x8B};
                int op = ops[random.nextInt(ops.length)];
                boolean bytes = (op & 1) == 0 && op != 0x8A || op == 0x8A;
                // 8-bit forms take any register field (AH..BH); 32-bit ones must not write ESP
                int regField = bytes ? random.nextInt(8) : reg();
                withRm(rm(regField, bytes), op);
                end();
            }
            case 3 -> { // accumulator with an immediate
                int op = random.nextInt(8) << 3 | 4 + random.nextInt(2);
                int[] tests = {0xA8, 0xA9};
                if (random.nextInt(5) == 0) {
                    op = tests[random.nextInt(2)];
                }
                emit(op);
                imm((op & 1) == 0 ? 1 : 4, interesting());
                end();
            }
            case 4 -> { // 80/81/82/83 group 1
                int op = 0x80 + random.nextInt(4);
                int ext = random.nextInt(8);
                withRm(rm(ext, false), op);
                imm(op == 0x81 ? 4 : 1, interesting());
                end();
            }
            case 5 -> { // INC/DEC reg, PUSH/POP reg and immediates
                switch (random.nextInt(6)) {
                    case 0 -> emit(0x40 + reg());
                    case 1 -> emit(0x48 + reg());
                    case 2 -> emit(0x50 + random.nextInt(8)); // PUSH ESP included
                    case 3 -> emit(0x58 + reg());
                    case 4 -> {
                        emit(0x6A, random.nextInt(256));
                    }
                    default -> {
                        emit(0x68);
                        d32(interesting());
                    }
                }
                end();
            }
            case 6 -> { // POP ESP of a sane value, PUSH [mem], LEAVE
                switch (random.nextInt(3)) {
                    case 0 -> {
                        emit(0x68);
                        d32(system.stackTop() - 0x40);
                        end();
                        emit(0x5C);
                    }
                    case 1 -> withRm(memoryOperand(6), 0xFF);
                    default -> {
                        emit(0x89, 0xE5); // mov ebp, esp
                        end();
                        emit(0xC9);
                    }
                }
                end();
            }
            case 7 -> { // IMUL in its three forms
                int dst = reg();
                switch (random.nextInt(3)) {
                    case 0 -> {
                        withRm(rm(dst, true), 0x69);
                        d32(interesting());
                    }
                    case 1 -> {
                        withRm(rm(dst, true), 0x6B);
                        emit(random.nextInt(256));
                    }
                    default -> withRm(rm(dst, true), 0x0F, 0xAF);
                }
                end();
            }
            case 8 -> { // MOV immediates to registers and memory, moffs
                switch (random.nextInt(5)) {
                    case 0 -> {
                        emit(0xB0 + random.nextInt(8), random.nextInt(256));
                    }
                    case 1 -> {
                        withRm(rm(0, false), 0xC6);
                        emit(random.nextInt(256));
                    }
                    case 2 -> {
                        withRm(rm(0, false), 0xC7);
                        d32(interesting());
                    }
                    default -> {
                        maybeSegmentPrefix();
                        emit(0xA0 + random.nextInt(4));
                        d32(system.pointer(dataOffset()));
                    }
                }
                end();
            }
            case 9 -> { // MOVZX, MOVSX, LEA
                int[] ops = {0xB6, 0xB7, 0xBE, 0xBF};
                if (random.nextInt(4) == 0) {
                    withRm(memoryOperand(reg()), 0x8D); // LEA
                } else {
                    withRm(rm(reg(), true), 0x0F, ops[random.nextInt(4)]);
                }
                end();
            }
            case 10 -> { // XCHG with the accumulator, CWDE, CDQ, NOP
                int[] ops = {0x90, 0x91, 0x92, 0x93, 0x95, 0x96, 0x97, 0x98, 0x99};
                emit(ops[random.nextInt(ops.length)]);
                end();
            }
            case 11 -> shift();
            case 12 -> group3();
            case 13 -> { // INC/DEC r/m (FE, FF)
                withRm(rm(random.nextInt(2), false), random.nextBoolean() ? 0xFE : 0xFF);
                end();
            }
            case 14 -> { // SETcc, CMOVcc
                int cc = random.nextInt(16);
                if (random.nextBoolean()) {
                    withRm(rm(0, true), 0x0F, 0x90 + cc);
                } else {
                    withRm(rm(reg(), true), 0x0F, 0x40 + cc);
                }
                end();
            }
            case 15 -> strings();
            case 16, 17 -> branch();
            case 18, 19 -> interpreted();
            case 20 -> { // compare and branch on a random condition, a loop back when it is backward
                movImm(reg(), interesting());
                emit(0x39, 0xC0 | random.nextInt(8) << 3 | random.nextInt(8));
                end();
                branch();
            }
            default -> {
                movImm(reg(), interesting());
            }
        }
    }

    private void shift() {
        int ext = random.nextInt(8);
        switch (random.nextInt(3)) {
            case 0 -> { // by an immediate
                int[] counts = {0, 1, 31, random.nextInt(256)};
                withRm(rm(ext, false), random.nextBoolean() ? 0xC0 : 0xC1);
                emit(counts[random.nextInt(4)]);
            }
            case 1 -> withRm(rm(ext, false), random.nextBoolean() ? 0xD0 : 0xD1);
            default -> {
                int[] counts = {0, 1, 31, 32, 33, random.nextInt()};
                movImm(ECX, counts[random.nextInt(counts.length)]);
                withRm(rm(ext, false), random.nextBoolean() ? 0xD2 : 0xD3);
            }
        }
        end();
    }

    /** F6/F7: TEST, NOT, NEG, MUL, IMUL, DIV, IDIV, with the dividends and divisors that fault. */
    private void group3() {
        int ext = random.nextInt(8);
        boolean bytes = random.nextInt(4) == 0;
        if (ext >= 6) {
            switch (random.nextInt(5)) {
                case 0 -> movImm(ECX, 0); // divide by zero
                case 1 -> { // quotient overflow
                    movImm(EDX, 0x7FFFFFFF);
                    movImm(ECX, 3);
                }
                case 2 -> { // INT_MIN / -1
                    movImm(EDX, -1);
                    movImm(EAX, 0x80000000);
                    movImm(ECX, -1);
                }
                case 3 -> { // 64-bit INT_MIN / -1
                    movImm(EDX, 0x80000000);
                    movImm(EAX, 0);
                    movImm(ECX, -1);
                }
                default -> { // an ordinary division
                    movImm(EDX, random.nextInt(16));
                    movImm(ECX, 17 + random.nextInt(1000));
                }
            }
            if (random.nextBoolean()) {
                withRm(new byte[]{(byte) (0xC0 | ext << 3 | (bytes ? random.nextInt(8) : ECX))}, bytes ? 0xF6 : 0xF7);
            } else {
                withRm(memoryOperand(ext), bytes ? 0xF6 : 0xF7);
            }
            end();
            return;
        }
        withRm(rm(ext, false), bytes ? 0xF6 : 0xF7);
        if (ext <= 1) {
            imm(bytes ? 1 : 4, interesting());
        }
        end();
    }

    /** MOVS, STOS, LODS without REP, with ESI and EDI aimed at data, DF either way. */
    private void strings() {
        movImm(ESI, system.pointer(dataOffset()));
        movImm(EDI, system.pointer(dataOffset()));
        if (random.nextInt(4) == 0) {
            emit(random.nextBoolean() ? 0xFC : 0xFD); // CLD/STD: interpreted
            end();
        }
        int[] ops = {0xA4, 0xA5, 0xAA, 0xAB, 0xAC, 0xAD};
        maybeSegmentPrefix();
        emit(ops[random.nextInt(ops.length)]);
        end();
    }

    /** A transfer to a chunk start: Jcc, JMP, CALL (direct and indirect), RET, RET imm16, LOOP. */
    private void branch() {
        // Forward by at most three chunks, so that every round runs most of the program.
        int target = chunk + 1 + random.nextInt(3);
        int guardJump = -1;
        if (target >= chunkStarts.length || random.nextInt(3) == 0 && guards < MAX_GUARDS) {
            // Backward: taken a few times per round, counted down in a guard (DEC [guard]; JLE past).
            target = random.nextInt(chunk + 1);
            if (guards == MAX_GUARDS) {
                return;
            }
            emit(0xFF, 0x0D);
            d32(system.pointer(GUARDS + 4 * guards++));
            end();
            emit(0x0F, 0x8E);
            guardJump = here();
            d32(0);
            end();
        }
        transfer(target);
        if (guardJump >= 0) {
            FlatSystem.putInt(code, guardJump - FlatSystem.CODE, here() - (guardJump + 4));
        }
    }

    private void transfer(int target) {
        boolean known = target <= chunk;
        switch (random.nextInt(10)) {
            case 0, 1 -> { // Jcc rel8 backward when in range, else rel32
                int cc = random.nextInt(16);
                int rel = known ? chunkStarts[target] - (here() + 2) : Integer.MIN_VALUE;
                if (rel >= -128 && rel <= 127) {
                    emit(0x70 + cc, rel);
                } else {
                    emit(0x0F, 0x80 + cc);
                    rel32ToChunk(target);
                }
            }
            case 2 -> {
                int rel = known ? chunkStarts[target] - (here() + 2) : Integer.MIN_VALUE;
                if (rel >= -128 && rel <= 127) {
                    emit(0xEB, rel);
                } else {
                    emit(0xE9);
                    rel32ToChunk(target);
                }
            }
            case 3 -> {
                emit(0xE8);
                rel32ToChunk(target);
            }
            case 4 -> { // JMP or CALL through a register
                int r = reg();
                emit(0xB8 + r);
                absoluteChunk(target);
                end();
                emit(0xFF, 0xC0 | (random.nextBoolean() ? 2 : 4) << 3 | r);
            }
            case 5 -> { // JMP or CALL through memory
                int slot = system.pointer(0x10);
                emit(0xC7, 0x05);
                d32(slot);
                absoluteChunk(target);
                end();
                emit(0xFF, (random.nextBoolean() ? 2 : 4) << 3 | 5);
                d32(slot);
            }
            case 6 -> { // RET to a pushed chunk start
                emit(0x68);
                absoluteChunk(target);
                end();
                emit(0xC3);
            }
            case 7 -> { // RET imm16 releasing two pushed dwords
                emit(0x6A, 1);
                end();
                emit(0x6A, 2);
                end();
                emit(0x68);
                absoluteChunk(target);
                end();
                emit(0xC2, 8, 0);
            }
            case 8 -> { // LOOP (interpreted) around a decoded INC
                movImm(ECX, 1 + random.nextInt(20));
                emit(0x42);
                end();
                emit(0xE2, -3 & 0xFF);
            }
            default -> { // a CALL to the next instruction, POP of the return address
                emit(0xE8);
                d32(0);
                end();
                emit(0x58 + reg());
            }
        }
        end();
    }

    /** Forms the decoder leaves to the interpreter, in between decoded ones. */
    private void interpreted() {
        switch (random.nextInt(14)) {
            case 12, 13 -> fpu();
            case 0 -> { // 66-prefixed ALU and MOV
                byte[] operand = rm(reg(), false); // loads its pointers before the prefix is emitted
                int[] ops = {0x01, 0x03, 0x29, 0x31, 0x89, 0x8B};
                emit(0x66, ops[random.nextInt(ops.length)]);
                emit(toInts(operand));
            }
            case 1 -> {
                byte[] operand = rm(random.nextInt(8), false);
                emit(0x66);
                withRm(operand, 0x81);
                imm(2, interesting());
            }
            case 2 -> { // PUSHF, flip arithmetic flags, DF and now and then AC on the stack, POPF
                emit(0x9C);
                end();
                emit(0x81, 0x34, 0x24); // xor dword [esp], imm
                d32(random.nextInt() & 0x8D5 | random.nextInt() & 0x400 | (random.nextInt(4) == 0 ? 1 << 18 : 0));
                end();
                emit(0x9D);
            }
            case 3 -> emit(new int[]{0xF8, 0xF9, 0xF5, 0xFC, 0xFD}[random.nextInt(5)]); // CLC STC CMC CLD STD
            case 4 -> { // REP STOSB
                movImm(ECX, random.nextInt(40));
                movImm(EDI, system.pointer(dataOffset()));
                emit(0xF3, 0xAA);
            }
            case 5 -> { // MOV SS to itself: an interrupt shadow
                emit(0x8C, 0xD0);
                end();
                emit(0x8E, 0xD0);
            }
            case 6 -> { // CLI; decoded; STI; decoded: the STI shadow (a #GP at ring 3, skipped)
                emit(0xFA);
                end();
                emit(0x40 + reg());
                end();
                emit(0xFB);
                end();
                emit(0x48 + reg());
            }
            case 7 -> { // an instruction of more than 15 bytes: #GP
                for (int i = 0; i < 6; i++) {
                    emit(0x3E);
                }
                emit(0x81, 0x05);
                d32(system.pointer(dataOffset()));
                d32(interesting());
            }
            case 8 -> { // exactly 15 bytes: legal
                for (int i = 0; i < 4; i++) {
                    emit(SEGMENT_PREFIXES[random.nextInt(SEGMENT_PREFIXES.length)]);
                }
                emit(0xC7, 0x05);
                d32(system.pointer(dataOffset()));
                d32(interesting());
            }
            case 9 -> { // BT, BSWAP, XCHG r/m8, NOT r/m8, NEG r/m8
                switch (random.nextInt(4)) {
                    case 0 -> withRm(rm(reg(), false), 0x0F, 0xA3);
                    case 1 -> emit(0x0F, 0xC8 + reg());
                    case 2 -> withRm(rm(random.nextInt(8), false), 0x86);
                    default -> withRm(rm(2 + random.nextInt(2), false), 0xF6);
                }
            }
            case 10 -> { // undefined forms: LEA with a register operand, C7 /1
                if (random.nextBoolean()) {
                    emit(0x8D, 0xC0 | reg() << 3 | reg());
                } else {
                    emit(0xC7, 0xC8 | reg());
                    d32(0);
                }
            }
            default -> { // RDTSC, CPUID
                emit(0x0F, random.nextBoolean() ? 0x31 : 0xA2);
            }
        }
        end();
    }

    /**
     * x87 code, which the block decoder leaves to the interpreter (blocks end before it): loads
     * and stores of every memory format through random addressing forms, arithmetic, compares
     * into the status word and EFLAGS, FCMOV, control-word loads that unmask exceptions (then
     * #MF or FERR), FNINIT, FWAIT, and FNSTSW AX, so the results flow back into integer code.
     */
    private void fpu() {
        switch (random.nextInt(12)) {
            case 0 -> withRm(memoryOperand(random.nextBoolean() ? 0 : 5), random.nextBoolean() ? 0xD9 : 0xDB); // FLD m32, FLD m80 / FILD m32
            case 1 -> withRm(memoryOperand(0), random.nextBoolean() ? 0xDD : 0xDF); // FLD m64, FILD m16
            case 2 -> withRm(memoryOperand(random.nextInt(8)), new int[]{0xD8, 0xDA, 0xDC, 0xDE}[random.nextInt(4)]); // arithmetic with memory
            case 3 -> emit(0xD8 + 4 * random.nextInt(2) + 2 * random.nextInt(2), 0xC0 + random.nextInt(64)); // D8, DA, DC, DE register forms
            case 4 -> emit(0xD9, 0xE0 + random.nextInt(32)); // FCHS ... FCOS, constants, FPREM, FSQRT, FRNDINT, FSCALE
            case 5 -> withRm(memoryOperand(new int[]{2, 3}[random.nextInt(2)]), new int[]{0xD9, 0xDD, 0xDB, 0xDF}[random.nextInt(4)]); // stores: FST(P), FIST(P)
            case 6 -> emit(0xDF, 0xE0); // FNSTSW AX
            case 7 -> emit(0xDB, 0xE8 + random.nextInt(16)); // FUCOMI, FCOMI
            case 8 -> emit(0xDA + random.nextInt(2), 0xC0 + random.nextInt(32)); // FCMOVcc
            case 9 -> { // FLDCW from memory: now and then with exceptions unmasked
                int cw = random.nextInt(4) == 0 ? random.nextInt(0x1000) : 0x37F | random.nextInt(4) << 10;
                emit(0x66, 0xC7, 0x05);
                d32(system.pointer(dataOffset() & ~1));
                imm(2, cw);
                end();
                emit(0xD9, 0x2D);
                d32(system.pointer(dataOffset() & ~1));
            }
            case 10 -> {
                if (random.nextBoolean()) {
                    emit(0x9B); // FWAIT: reports a pending error
                } else {
                    emit(0xDB, random.nextBoolean() ? 0xE3 : 0xE2); // FNINIT, FNCLEX
                }
            }
            default -> emit(0xD9, 0xC0 + random.nextInt(16)); // FLD ST(i), FXCH
        }
    }
}
