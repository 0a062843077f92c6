package dev.vivarium.x86.cpu.mechanism;

import java.io.ByteArrayOutputStream;

/**
 * A tiny assembler for the instructions the mechanism tests need. Code is assembled for a fixed
 * origin (its linear address) in 16- or 32-bit mode; {@link #bits(int)} switches mode mid-stream
 * as boot code does after the far jump into protected mode. Immediates and near branches take
 * the width of the current mode; {@link #osize()} emits the 0x66 prefix and flips the width of
 * the next instruction only. Memory operands are absolute (disp16 or disp32, no base register)
 * unless an emitter says otherwise. Encodings follow the Intel SDM vol. 2 opcode tables.
 */
final class Code {

    static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final int origin;
    private int bits;
    private boolean flipped;

    Code(int origin, int bits) {
        this.origin = origin;
        this.bits = bits;
    }

    /** Linear address of the next byte. */
    int here() {
        return origin + out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    Code bits(int b) {
        bits = b;
        return this;
    }

    /** Raw bytes, for encodings the tests spell out themselves (undefined opcodes and the like). */
    Code db(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    /** A little-endian dword: the disp32 or imm32 of an encoding spelled out with {@link #db}. */
    Code dword(int v) {
        return imm(v, 4);
    }

    // ---- operand size ----

    /** 66: operand-size override for the next instruction. */
    Code osize() {
        flipped = true;
        return db(0x66);
    }

    /** Operand width in bytes of the instruction being emitted; consumes a pending {@link #osize()}. */
    private int width() {
        boolean wide = (bits == 32) != flipped;
        flipped = false;
        return wide ? 4 : 2;
    }

    private Code imm(int v, int width) {
        db(v & 0xFF, v >>> 8 & 0xFF);
        if (width == 4) {
            db(v >>> 16 & 0xFF, v >>> 24 & 0xFF);
        }
        return this;
    }

    /** ModRM with mod=00 and an absolute displacement: rm=110 disp16 in 16-bit code, rm=101 disp32 in 32-bit. */
    private Code absolute(int reg, int address) {
        if (bits == 32) {
            return db(reg << 3 | 5).imm(address, 4);
        }
        return db(reg << 3 | 6).imm(address, 2);
    }

    /** ModRM with mod=11: a register operand. */
    private Code regRm(int reg, int rm) {
        return db(0xC0 | reg << 3 | rm);
    }

    // ---- moves ----

    /** B8+r iw/id: MOV r, imm. */
    Code movImm(int r, int v) {
        int w = width();
        return db(0xB8 + r).imm(v, w);
    }

    /** 89 /r (mod=11): MOV dst, src. */
    Code mov(int dst, int src) {
        width();
        return db(0x89).regRm(src, dst);
    }

    /** 8B /r: MOV r, [address]. */
    Code load(int r, int address) {
        width();
        return db(0x8B).absolute(r, address);
    }

    /** 89 /r: MOV [address], r. */
    Code store(int address, int r) {
        width();
        return db(0x89).absolute(r, address);
    }

    /** 8B /r mod=10 rm=base disp32: MOV r, [base + disp] (base not ESP; EBP-based means SS). */
    Code loadBased(int r, int base, int disp) {
        noSib(base);
        width();
        return db(0x8B, 0x80 | r << 3 | base).imm(disp, 4);
    }

    /** 89 /r mod=10 rm=base disp32: MOV [base + disp], r (base not ESP). */
    Code storeBased(int base, int disp, int r) {
        noSib(base);
        width();
        return db(0x89, 0x80 | r << 3 | base).imm(disp, 4);
    }

    /** rm=100 would mean a SIB byte follows, which these emitters do not write. */
    private static void noSib(int base) {
        if (base == ESP) {
            throw new IllegalArgumentException("ESP as a base needs a SIB byte; copy it to EBP first");
        }
    }

    /** C7 /0 id: MOV dword [address], imm32 (32-bit code). */
    Code storeImm(int address, int v) {
        int w = width();
        return db(0xC7).absolute(0, address).imm(v, w);
    }

    /** 8E /r (mod=11): MOV seg, r16. */
    Code movSeg(int seg, int r) {
        return db(0x8E).regRm(seg, r);
    }

    /** 8C /r (mod=11): MOV r, seg. */
    Code movFromSeg(int r, int seg) {
        return db(0x8C).regRm(seg, r);
    }

    /** Selector load: MOV AX, sel (16-bit form) then MOV seg, AX. */
    Code loadSeg(int seg, int selector) {
        if (bits == 32) {
            osize();
        }
        movImm(EAX, selector);
        return movSeg(seg, EAX);
    }

    // ---- stack ----

    /** 50+r: PUSH r. */
    Code push(int r) {
        width();
        return db(0x50 + r);
    }

    /** 58+r: POP r. */
    Code pop(int r) {
        width();
        return db(0x58 + r);
    }

    /** 68 iw/id: PUSH imm. */
    Code pushImm(int v) {
        int w = width();
        return db(0x68).imm(v, w);
    }

    /** 9C: PUSHF. */
    Code pushf() {
        width();
        return db(0x9C);
    }

    /** 9D: POPF. */
    Code popf() {
        width();
        return db(0x9D);
    }

    /** 0F A1 / 0F A9 etc. are not needed; 1F / 07 / 17: POP DS / ES / SS. */
    Code popSeg(int seg) {
        width();
        return db(switch (seg) {
            case ES -> 0x07;
            case SS -> 0x17;
            case DS -> 0x1F;
            default -> throw new IllegalArgumentException("POP of segment " + seg);
        });
    }

    // ---- arithmetic ----

    /** 81 /0 id: ADD r, imm. */
    Code addImm(int r, int v) {
        int w = width();
        return db(0x81).regRm(0, r).imm(v, w);
    }

    /** 81 /1 id: OR r, imm. */
    Code orImm(int r, int v) {
        int w = width();
        return db(0x81).regRm(1, r).imm(v, w);
    }

    /** 81 /4 id: AND r, imm. */
    Code andImm(int r, int v) {
        int w = width();
        return db(0x81).regRm(4, r).imm(v, w);
    }

    /** 31 /r: XOR dst, src. */
    Code xor(int dst, int src) {
        width();
        return db(0x31).regRm(src, dst);
    }

    /** 40+r: INC r (one byte in 16/32-bit code). */
    Code inc(int r) {
        width();
        return db(0x40 + r);
    }

    /** F7 /6 (mod=11): DIV r (EDX:EAX / r). */
    Code div(int r) {
        width();
        return db(0xF7).regRm(6, r);
    }

    // ---- control transfer ----

    /** E9 rel16/rel32: JMP near to an absolute address in the same segment (origin-relative). */
    Code jmp(int target) {
        int w = width();
        int rel = target - (here() + 1 + w);
        return db(0xE9).imm(rel, w);
    }

    /** EB FE: JMP $ (a spin loop a test can detect by EIP). */
    Code spin() {
        return db(0xEB, 0xFE);
    }

    /** EA ptr16:16/32: JMP far sel:offset. */
    Code jmpFar(int selector, int offset) {
        int w = width();
        return db(0xEA).imm(offset, w).imm(selector, 2);
    }

    /** 9A ptr16:16/32: CALL far sel:offset. */
    Code callFar(int selector, int offset) {
        int w = width();
        return db(0x9A).imm(offset, w).imm(selector, 2);
    }

    /** FF /3: CALL far [address] (m16:16 or m16:32). */
    Code callFarIndirect(int address) {
        width();
        return db(0xFF).absolute(3, address);
    }

    /** CB: RETF. */
    Code retf() {
        width();
        return db(0xCB);
    }

    /** CA iw: RETF n (release n bytes of parameters). */
    Code retf(int release) {
        width();
        return db(0xCA).imm(release, 2);
    }

    /** CD ib: INT n. */
    Code intN(int n) {
        return db(0xCD, n);
    }

    /** CC: INT3. */
    Code int3() {
        return db(0xCC);
    }

    /** CE: INTO. */
    Code into() {
        return db(0xCE);
    }

    /** CF: IRET (IRETD in 32-bit code). */
    Code iret() {
        width();
        return db(0xCF);
    }

    /** PUSH SS, ESP, EFLAGS, CS, EIP as immediates, then IRET: how kernels first enter user mode. */
    Code iretTo(int cs, int eip, int ss, int esp, int eflags) {
        return pushImm(ss).pushImm(esp).pushImm(eflags).pushImm(cs).pushImm(eip).iret();
    }

    // ---- flags and processor control ----

    /** F4: HLT. */
    Code hlt() {
        return db(0xF4);
    }

    /** FA: CLI. */
    Code cli() {
        return db(0xFA);
    }

    /** FB: STI. */
    Code sti() {
        return db(0xFB);
    }

    /** 90: NOP. */
    Code nop() {
        return db(0x90);
    }

    /** PUSHF; OR dword [ESP], 0x100 (81 /1 with SIB 24, imm32); POPF: sets TF the way debuggers do. */
    Code setTrapFlag() {
        pushf();
        db(0x81, 0x0C, 0x24).dword(0x100);
        return popf();
    }

    /** 62 /r: BOUND r, [address] (a pair of bounds). */
    Code bound(int r, int address) {
        width();
        return db(0x62).absolute(r, address);
    }

    /** 0F A2: CPUID. */
    Code cpuid() {
        return db(0x0F, 0xA2);
    }

    // ---- I/O ----

    /** E6 ib / E7 ib: OUT imm8, AL / eAX. */
    Code outImm(int port, int size) {
        if (size == 1) {
            return db(0xE6, port);
        }
        sizePrefix(size);
        return db(0xE7, port);
    }

    /** EC / ED: IN AL / eAX, DX. */
    Code inDx(int size) {
        if (size == 1) {
            return db(0xEC);
        }
        sizePrefix(size);
        return db(0xED);
    }

    /** EE / EF: OUT DX, AL / eAX. */
    Code outDx(int size) {
        if (size == 1) {
            return db(0xEE);
        }
        sizePrefix(size);
        return db(0xEF);
    }

    private void sizePrefix(int size) {
        if ((size == 4) != (bits == 32)) {
            db(0x66);
        }
    }

    // ---- system instructions ----

    /** 0F 01 /2: LGDT [address]. */
    Code lgdt(int address) {
        width();
        return db(0x0F, 0x01).absolute(2, address);
    }

    /** 0F 01 /3: LIDT [address]. */
    Code lidt(int address) {
        width();
        return db(0x0F, 0x01).absolute(3, address);
    }

    /** 0F 01 /0: SGDT [address]. */
    Code sgdt(int address) {
        width();
        return db(0x0F, 0x01).absolute(0, address);
    }

    /** 0F 01 /4 (mod=11): SMSW r. */
    Code smsw(int r) {
        width();
        return db(0x0F, 0x01).regRm(4, r);
    }

    /** 0F 01 /6 (mod=11): LMSW r16. */
    Code lmsw(int r) {
        return db(0x0F, 0x01).regRm(6, r);
    }

    /** 0F 01 /7: INVLPG [address]. */
    Code invlpg(int address) {
        return db(0x0F, 0x01).absolute(7, address);
    }

    /** 0F 00 /2 (mod=11): LLDT r16. */
    Code lldt(int r) {
        return db(0x0F, 0x00).regRm(2, r);
    }

    /** 0F 00 /3 (mod=11): LTR r16. */
    Code ltr(int r) {
        return db(0x0F, 0x00).regRm(3, r);
    }

    /** 0F 00 /0 (mod=11): SLDT r. */
    Code sldt(int r) {
        width();
        return db(0x0F, 0x00).regRm(0, r);
    }

    /** 0F 00 /1 (mod=11): STR r. */
    Code str(int r) {
        width();
        return db(0x0F, 0x00).regRm(1, r);
    }

    /** 0F 00 /4 (mod=11): VERR r16. */
    Code verr(int r) {
        return db(0x0F, 0x00).regRm(4, r);
    }

    /** 0F 00 /5 (mod=11): VERW r16. */
    Code verw(int r) {
        return db(0x0F, 0x00).regRm(5, r);
    }

    /** 0F 02 /r (mod=11): LAR dst, src. */
    Code lar(int dst, int src) {
        width();
        return db(0x0F, 0x02).regRm(dst, src);
    }

    /** 0F 03 /r (mod=11): LSL dst, src. */
    Code lsl(int dst, int src) {
        width();
        return db(0x0F, 0x03).regRm(dst, src);
    }

    /** 63 /r (mod=11): ARPL dst16, src16. */
    Code arpl(int dst, int src) {
        return db(0x63).regRm(src, dst);
    }

    /** 0F 20 /r: MOV r32, CRn. */
    Code movFromCr(int r, int n) {
        return db(0x0F, 0x20).regRm(n, r);
    }

    /** 0F 22 /r: MOV CRn, r32. */
    Code movToCr(int n, int r) {
        return db(0x0F, 0x22).regRm(n, r);
    }

    /** 0F 06: CLTS. */
    Code clts() {
        return db(0x0F, 0x06);
    }

    /** MOV EAX, cr3; MOV CR3, EAX; MOV EAX, CR0; OR EAX, PG; MOV CR0, EAX. */
    Code enablePaging(int cr3) {
        movImm(EAX, cr3).movToCr(3, EAX).movFromCr(EAX, 0).orImm(EAX, 0x80000000);
        return movToCr(0, EAX);
    }
}
