package dev.vivarium.x86.cpu;

/** Exception vectors as the Intel manuals number them. */
final class Vectors {
    static final int DE = 0;   // divide error
    static final int DB = 1;   // debug
    static final int NMI = 2;
    static final int BP = 3;   // INT3
    static final int OF = 4;   // INTO
    static final int BR = 5;   // BOUND
    static final int UD = 6;   // invalid opcode
    static final int NM = 7;   // device not available
    static final int DF = 8;   // double fault
    static final int TS = 10;  // invalid TSS
    static final int NP = 11;  // segment not present
    static final int SS = 12;  // stack-segment fault
    static final int GP = 13;  // general protection
    static final int PF = 14;  // page fault
    static final int MF = 16;  // x87 error
    static final int AC = 17;  // alignment check

    /** Vectors of the contributory class (Intel SDM, double-fault conditions). */
    static boolean isContributory(int vector) {
        return vector == DE || (vector >= TS && vector <= GP);
    }

    /** Vectors that push an error code when raised as exceptions. */
    static boolean pushesErrorCode(int vector) {
        return vector == DF || (vector >= TS && vector <= PF) || vector == AC;
    }

    private Vectors() {
    }
}
