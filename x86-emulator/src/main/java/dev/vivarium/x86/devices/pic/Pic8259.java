package dev.vivarium.x86.devices.pic;

import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * One 8259A programmable interrupt controller: the initialisation words ICW1-ICW4, the
 * operation words OCW1-OCW3, IRR/ISR/IMR with rotating priorities, specific and non-specific
 * EOI, automatic EOI, poll mode and special mask mode. Inputs are edge-triggered (the PC/AT
 * setting): a rising edge on an input latches its IRR bit, which stays set until acknowledged.
 * Level-triggered mode (ICW1.LTIM) is recorded but treated as edge-triggered.
 */
final class Pic8259 {

    private final boolean master;

    int irr;
    int isr;
    int imr;
    /** Input levels last seen, for edge detection. */
    int lines;
    /** The IR with the highest priority (0 after init; changed by rotation). */
    int priorityAdd;
    int vectorBase;
    int initStep; // 0 = operational, 2..4 = expecting that ICW
    boolean needIcw4;
    boolean single;
    boolean autoEoi;
    boolean rotateOnAutoEoi;
    boolean specialMask;
    boolean specialFullyNested;
    boolean readIsr;
    boolean poll;
    int icw3;

    Pic8259(boolean master) {
        this.master = master;
    }

    /** Drives input {@code irq} to {@code level}. */
    void setInput(int irq, boolean level) {
        int bit = 1 << irq;
        if (level) {
            if ((lines & bit) == 0) {
                irr |= bit;
            }
            lines |= bit;
        } else {
            lines &= ~bit;
        }
    }

    /** The highest-priority IR among {@code mask} as a priority rank 0..7, or 8 when none. */
    private int priority(int mask) {
        if (mask == 0) {
            return 8;
        }
        int p = 0;
        while ((mask & 1 << ((p + priorityAdd) & 7)) == 0) {
            p++;
        }
        return p;
    }

    /** The IR this chip would present to the CPU now, or -1: its INT output. */
    int pendingIrq() {
        int requestPriority = priority(irr & ~imr);
        if (requestPriority == 8) {
            return -1;
        }
        int inService = isr;
        if (specialMask) {
            inService &= ~imr;
        }
        if (master && specialFullyNested) {
            inService &= ~(1 << 2); // a slave in service does not block its other requests
        }
        return requestPriority < priority(inService) ? (requestPriority + priorityAdd) & 7 : -1;
    }

    /** The INTA cycle for {@code irq} (from pendingIrq): move it from IRR to ISR (unless AEOI). */
    void acknowledge(int irq) {
        int bit = 1 << irq;
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                priorityAdd = (irq + 1) & 7;
            }
        } else {
            isr |= bit;
        }
        irr &= ~bit;
    }

    int read(boolean commandPort) {
        if (poll) {
            poll = false;
            int irq = pendingIrq();
            if (irq < 0) {
                return 0;
            }
            acknowledge(irq);
            return 0x80 | irq;
        }
        if (!commandPort) {
            return imr;
        }
        return readIsr ? isr : irr;
    }

    void write(boolean commandPort, int value) {
        if (commandPort) {
            if ((value & 0x10) != 0) {
                icw1(value);
            } else if ((value & 0x08) != 0) {
                ocw3(value);
            } else {
                ocw2(value);
            }
            return;
        }
        switch (initStep) {
            case 2 -> {
                vectorBase = value & 0xF8;
                initStep = single ? (needIcw4 ? 4 : 0) : 3;
            }
            case 3 -> {
                icw3 = value;
                initStep = needIcw4 ? 4 : 0;
            }
            case 4 -> {
                autoEoi = (value & 0x02) != 0;
                specialFullyNested = (value & 0x10) != 0;
                initStep = 0;
            }
            default -> imr = value; // OCW1
        }
    }

    private void icw1(int value) {
        // ICW1 resets the chip: mask cleared, IR7 lowest priority, and the edge sense reset so
        // that only a new low-to-high transition requests: a line already high stays silent,
        // which is why the remembered line levels are kept.
        irr = 0;
        isr = 0;
        imr = 0;
        priorityAdd = 0;
        specialMask = false;
        readIsr = false;
        poll = false;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialFullyNested = false;
        single = (value & 0x02) != 0;
        needIcw4 = (value & 0x01) != 0;
        initStep = 2;
    }

    private void ocw2(int value) {
        int level = value & 7;
        switch (value >>> 5) {
            case 0 -> rotateOnAutoEoi = false;
            case 4 -> rotateOnAutoEoi = true;
            case 1, 5 -> { // non-specific EOI (5: and rotate)
                int p = priority(isr);
                if (p != 8) {
                    int irq = (p + priorityAdd) & 7;
                    isr &= ~(1 << irq);
                    if (value >>> 5 == 5) {
                        priorityAdd = (irq + 1) & 7;
                    }
                }
            }
            case 3 -> isr &= ~(1 << level); // specific EOI
            case 7 -> { // specific EOI and rotate
                isr &= ~(1 << level);
                priorityAdd = (level + 1) & 7;
            }
            case 6 -> priorityAdd = (level + 1) & 7; // set priority: level becomes lowest
            default -> { } // 2: no operation
        }
    }

    private void ocw3(int value) {
        if ((value & 0x04) != 0) {
            poll = true;
        }
        if ((value & 0x02) != 0) {
            readIsr = (value & 0x01) != 0;
        }
        if ((value & 0x40) != 0) {
            specialMask = (value & 0x20) != 0;
        }
    }

    void save(StateWriter out) {
        out.writeInt(irr).writeInt(isr).writeInt(imr).writeInt(lines).writeInt(priorityAdd).writeInt(vectorBase)
                .writeInt(initStep).writeInt(icw3)
                .writeBoolean(needIcw4).writeBoolean(single).writeBoolean(autoEoi).writeBoolean(rotateOnAutoEoi)
                .writeBoolean(specialMask).writeBoolean(specialFullyNested).writeBoolean(readIsr).writeBoolean(poll);
    }

    void restore(StateReader in) {
        irr = in.readInt(0, 0xFF, "PIC IRR");
        isr = in.readInt(0, 0xFF, "PIC ISR");
        imr = in.readInt(0, 0xFF, "PIC IMR");
        lines = in.readInt(0, 0xFF, "PIC input lines");
        priorityAdd = in.readInt(0, 7, "PIC priority");
        vectorBase = in.readInt(0, 0xF8, "PIC vector base");
        initStep = in.readInt(0, 4, "PIC init step");
        if (initStep == 1) {
            throw new StateFormatException("PIC init step 1 does not exist");
        }
        icw3 = in.readInt(0, 0xFF, "PIC ICW3");
        needIcw4 = in.readBoolean();
        single = in.readBoolean();
        autoEoi = in.readBoolean();
        rotateOnAutoEoi = in.readBoolean();
        specialMask = in.readBoolean();
        specialFullyNested = in.readBoolean();
        readIsr = in.readBoolean();
        poll = in.readBoolean();
    }
}
