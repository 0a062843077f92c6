package dev.vivarium.x86.cpu.translator;

/** The JVM opcodes {@link BlockCompiler} writes (JVMS chapter 6). */
final class Opcodes {

    private Opcodes() {
    }

    static final int ICONST_M1 = 0x02, ICONST_0 = 0x03, BIPUSH = 0x10, SIPUSH = 0x11, LDC_W = 0x13;
    static final int ILOAD = 0x15, ALOAD = 0x19, ISTORE = 0x36, ASTORE = 0x3A;
    static final int IALOAD = 0x2E, IASTORE = 0x4F, POP = 0x57, DUP = 0x59;
    static final int IADD = 0x60, ISUB = 0x64, INEG = 0x74, ISHL = 0x78, ISHR = 0x7A, IUSHR = 0x7C, IAND = 0x7E, IOR = 0x80,
            IXOR = 0x82;
    static final int I2B = 0x91, I2S = 0x93;
    static final int IFEQ = 0x99, IFNE = 0x9A, IFLT = 0x9B, IFGE = 0x9C, IFGT = 0x9D, IFLE = 0x9E;
    static final int IF_ICMPEQ = 0x9F, IF_ICMPNE = 0xA0, IF_ICMPLT = 0xA1, IF_ICMPGE = 0xA2, IF_ICMPGT = 0xA3, IF_ICMPLE = 0xA4;
    static final int GOTO = 0xA7, LOOKUPSWITCH = 0xAB, IINC = 0x84;
    static final int IRETURN = 0xAC, RETURN = 0xB1, ATHROW = 0xBF;
    static final int GETFIELD = 0xB4, PUTFIELD = 0xB5;
    static final int INVOKEVIRTUAL = 0xB6, INVOKESPECIAL = 0xB7, INVOKESTATIC = 0xB8;
}
