package dev.vivarium.x86.devices.ata;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.io.IOException;

/**
 * The primary ATA channel (command block 0x1F0-0x1F7, control 0x3F6, IRQ 14) with one disk as
 * device 0 and no device 1, in PIO mode: IDENTIFY DEVICE, READ/WRITE SECTORS, READ/WRITE
 * MULTIPLE with SET MULTIPLE MODE, READ VERIFY, SEEK, RECALIBRATE, INITIALIZE DEVICE
 * PARAMETERS, SET FEATURES, FLUSH CACHE, power commands and EXECUTE DEVICE DIAGNOSTIC, with
 * LBA28 and CHS addressing. Other commands are aborted. Commands complete instantly: BSY is
 * never seen, DRQ is up as soon as the command is written.
 *
 * <p>State capture holds the task file, the transfer in progress and the sector buffer, so a
 * capture mid-sector resumes at the same word. The disk's contents are not part of the state:
 * they live in the backend (shared storage), already written when a write's sector completes.
 */
public final class AtaController implements IoDevice, Snapshottable {

    public static final int COMMAND_BLOCK = 0x1F0;
    public static final int CONTROL_PORT = 0x3F6;

    static final int ST_ERR = 0x01, ST_DRQ = 0x08, ST_DSC = 0x10, ST_DRDY = 0x40, ST_BSY = 0x80;
    static final int ERR_ABRT = 0x04, ERR_IDNF = 0x10, ERR_UNC = 0x40;
    private static final int DEV_LBA = 0x40, DEV_DRV1 = 0x10;
    private static final int CTL_NIEN = 0x02, CTL_SRST = 0x04;
    private static final int SECTOR = DiskBackend.SECTOR_SIZE;

    private enum Transfer { NONE, TO_HOST, FROM_HOST }

    private final DiskBackend disk;
    private final IrqLine irq;
    private final Geometry physical;
    private final byte[] buffer = new byte[SECTOR * IdentifyData.MAX_MULTIPLE];

    // task file
    private int features;
    private int sectorCount;
    private int lbaLow;
    private int lbaMid;
    private int lbaHigh;
    private int device;
    private int status = ST_DRDY | ST_DSC;
    private int error = 0x01;
    private int control;

    private Geometry current;
    private int multiple;
    private boolean interruptPending;

    // transfer in progress
    private Transfer transfer = Transfer.NONE;
    private int command;
    private long nextLba;
    private long remaining;
    private int blockSectors;
    private int position;
    private int length;

    public AtaController(DiskBackend disk, IrqLine irq14) {
        this.disk = disk;
        this.irq = irq14;
        this.physical = Geometry.forSectors(disk.sectorCount());
        this.current = physical;
        setSignature();
    }

    public AtaController attach(IoBus bus) {
        bus.map(COMMAND_BLOCK, 8, this);
        bus.map(CONTROL_PORT, 1, this);
        return this;
    }

    private boolean deviceOneSelected() {
        return (device & DEV_DRV1) != 0;
    }

    // ---- port access ----

    @Override
    public int in(int port, int size) {
        if (port == COMMAND_BLOCK) {
            return size == 4 ? readData() | readData() << 16 : size == 2 ? readData() : readData() & 0xFF;
        }
        if (deviceOneSelected() && port != COMMAND_BLOCK + 6) {
            return 0; // no device 1: its registers read as zero, so BSY and DRQ are clear
        }
        return switch (port) {
            case COMMAND_BLOCK + 1 -> error;
            case COMMAND_BLOCK + 2 -> sectorCount;
            case COMMAND_BLOCK + 3 -> lbaLow;
            case COMMAND_BLOCK + 4 -> lbaMid;
            case COMMAND_BLOCK + 5 -> lbaHigh;
            case COMMAND_BLOCK + 6 -> device | 0xA0;
            case COMMAND_BLOCK + 7 -> {
                setInterrupt(false); // reading the status register acknowledges INTRQ
                yield status;
            }
            default -> status; // alternate status: no acknowledge
        };
    }

    @Override
    public void out(int port, int size, int value) {
        if (port == COMMAND_BLOCK) {
            if (size == 4) {
                writeData(value & 0xFFFF);
                writeData(value >>> 16);
            } else {
                writeData(value & 0xFFFF);
            }
            return;
        }
        value &= 0xFF;
        switch (port) {
            case COMMAND_BLOCK + 1 -> features = value;
            case COMMAND_BLOCK + 2 -> sectorCount = value;
            case COMMAND_BLOCK + 3 -> lbaLow = value;
            case COMMAND_BLOCK + 4 -> lbaMid = value;
            case COMMAND_BLOCK + 5 -> lbaHigh = value;
            case COMMAND_BLOCK + 6 -> device = value & 0x5F;
            case COMMAND_BLOCK + 7 -> {
                if (!deviceOneSelected()) {
                    execute(value);
                }
            }
            default -> writeControl(value);
        }
    }

    private void writeControl(int value) {
        boolean wasReset = (control & CTL_SRST) != 0;
        control = value;
        if ((value & CTL_SRST) != 0) {
            transfer = Transfer.NONE;
            status = ST_BSY;
            setInterrupt(false);
        } else if (wasReset) {
            setSignature();
            status = ST_DRDY | ST_DSC;
            current = physical;
            multiple = 0;
        }
        updateIrq();
    }

    /** The register contents of an ATA (not ATAPI) device after reset or diagnostics. */
    private void setSignature() {
        error = 0x01;
        sectorCount = 1;
        lbaLow = 1;
        lbaMid = 0;
        lbaHigh = 0;
        device = 0;
    }

    // ---- commands ----

    private void execute(int cmd) {
        command = cmd;
        transfer = Transfer.NONE;
        error = 0;
        switch (cmd) {
            case 0xEC -> {
                IdentifyData.fill(buffer, physical, current, disk.sectorCount(), multiple);
                remaining = 1;
                blockSectors = 1;
                startBlock(Transfer.TO_HOST, 1);
                completeWithInterrupt(ST_DRDY | ST_DSC | ST_DRQ);
            }
            case 0x20, 0x21 -> startTransfer(Transfer.TO_HOST, 1);
            case 0xC4 -> startMultiple(Transfer.TO_HOST);
            case 0x30, 0x31 -> startTransfer(Transfer.FROM_HOST, 1);
            case 0xC5 -> startMultiple(Transfer.FROM_HOST);
            case 0xC6 -> {
                int n = sectorCount;
                if (n > IdentifyData.MAX_MULTIPLE || (n & (n - 1)) != 0) {
                    abort(ERR_ABRT);
                } else {
                    multiple = n;
                    done();
                }
            }
            case 0x40, 0x41 -> {
                if (address() >= 0) {
                    done();
                }
            }
            case 0x91 -> {
                int spt = sectorCount;
                int heads = (device & 0x0F) + 1;
                if (spt == 0) {
                    abort(ERR_ABRT);
                } else {
                    long cylinders = Math.min(65535, disk.sectorCount() / ((long) heads * spt));
                    current = new Geometry((int) cylinders, heads, spt);
                    done();
                }
            }
            case 0xE7 -> {
                try {
                    disk.flush();
                    done();
                } catch (IOException e) {
                    abort(ERR_ABRT);
                }
            }
            case 0x90 -> {
                setSignature();
                completeWithInterrupt(ST_DRDY | ST_DSC);
            }
            case 0xE5 -> {
                sectorCount = 0xFF; // CHECK POWER MODE: active
                done();
            }
            case 0x70, 0xEF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE6 -> done();
            default -> {
                if (cmd >= 0x10 && cmd <= 0x1F) {
                    done(); // RECALIBRATE
                } else {
                    abort(ERR_ABRT);
                }
            }
        }
    }

    private void startMultiple(Transfer direction) {
        if (multiple == 0) {
            abort(ERR_ABRT);
        } else {
            startTransfer(direction, multiple);
        }
    }

    private void startTransfer(Transfer direction, int block) {
        long lba = address();
        if (lba < 0) {
            return;
        }
        if (direction == Transfer.FROM_HOST && disk.isReadOnly()) {
            abort(ERR_ABRT);
            return;
        }
        nextLba = lba;
        remaining = sectorCount == 0 ? 256 : sectorCount;
        blockSectors = block;
        if (direction == Transfer.TO_HOST) {
            readBlock();
        } else {
            startBlock(Transfer.FROM_HOST, (int) Math.min(blockSectors, remaining));
            status = ST_DRDY | ST_DSC | ST_DRQ; // the first block is requested without an interrupt
        }
    }

    /** The starting sector of the command in the task file, or -1 after aborting with IDNF. */
    private long address() {
        long count = sectorCount == 0 ? 256 : sectorCount;
        long lba;
        if ((device & DEV_LBA) != 0) {
            lba = (long) (device & 0x0F) << 24 | lbaHigh << 16 | lbaMid << 8 | lbaLow;
        } else {
            lba = current.toLba(lbaHigh << 8 | lbaMid, device & 0x0F, lbaLow);
        }
        if (lba < 0 || lba + count > disk.sectorCount()) {
            abort(ERR_IDNF);
            return -1;
        }
        return lba;
    }

    private void readBlock() {
        int n = (int) Math.min(blockSectors, remaining);
        try {
            disk.read(nextLba, buffer, 0, n);
        } catch (IOException e) {
            abort(ERR_UNC);
            return;
        }
        startBlock(Transfer.TO_HOST, n);
        completeWithInterrupt(ST_DRDY | ST_DSC | ST_DRQ);
    }

    private void startBlock(Transfer direction, int sectors) {
        transfer = direction;
        position = 0;
        length = sectors * SECTOR;
    }

    private int readData() {
        if (transfer != Transfer.TO_HOST) {
            return 0xFFFF;
        }
        int word = buffer[position] & 0xFF | (buffer[position + 1] & 0xFF) << 8;
        position += 2;
        if (position >= length) {
            blockDone();
        }
        return word;
    }

    private void writeData(int word) {
        if (transfer != Transfer.FROM_HOST) {
            return;
        }
        buffer[position] = (byte) word;
        buffer[position + 1] = (byte) (word >>> 8);
        position += 2;
        if (position >= length) {
            blockDone();
        }
    }

    /** The host has taken (or given) the whole block in the buffer. */
    private void blockDone() {
        int n = length / SECTOR;
        transfer = Transfer.NONE;
        if (command == 0xEC) {
            status = ST_DRDY | ST_DSC;
            return;
        }
        if (command == 0x30 || command == 0x31 || command == 0xC5) {
            try {
                disk.write(nextLba, buffer, 0, n);
            } catch (IOException e) {
                abort(ERR_ABRT);
                return;
            }
        }
        nextLba += n;
        remaining -= n;
        setTaskFileAddress(nextLba - 1);
        sectorCount = (int) (remaining & 0xFF);
        boolean writing = command == 0x30 || command == 0x31 || command == 0xC5;
        if (remaining == 0) {
            if (writing) {
                completeWithInterrupt(ST_DRDY | ST_DSC);
            } else {
                status = ST_DRDY | ST_DSC;
            }
        } else if (writing) {
            startBlock(Transfer.FROM_HOST, (int) Math.min(blockSectors, remaining));
            completeWithInterrupt(ST_DRDY | ST_DSC | ST_DRQ);
        } else {
            readBlock();
        }
    }

    /** After a transfer the task file names the last sector transferred, in the addressing used. */
    private void setTaskFileAddress(long lba) {
        if ((device & DEV_LBA) != 0) {
            lbaLow = (int) (lba & 0xFF);
            lbaMid = (int) (lba >>> 8 & 0xFF);
            lbaHigh = (int) (lba >>> 16 & 0xFF);
            device = device & 0xF0 | (int) (lba >>> 24 & 0x0F);
        } else {
            long perCylinder = (long) current.heads() * current.sectorsPerTrack();
            long cylinder = lba / perCylinder;
            int head = (int) (lba % perCylinder / current.sectorsPerTrack());
            lbaLow = (int) (lba % current.sectorsPerTrack()) + 1;
            lbaMid = (int) (cylinder & 0xFF);
            lbaHigh = (int) (cylinder >>> 8 & 0xFF);
            device = device & 0xF0 | head;
        }
    }

    private void done() {
        completeWithInterrupt(ST_DRDY | ST_DSC);
    }

    private void abort(int errorBits) {
        transfer = Transfer.NONE;
        error = errorBits;
        completeWithInterrupt(ST_DRDY | ST_DSC | ST_ERR);
    }

    private void completeWithInterrupt(int newStatus) {
        status = newStatus;
        setInterrupt(true);
    }

    private void setInterrupt(boolean pending) {
        interruptPending = pending;
        updateIrq();
    }

    private void updateIrq() {
        irq.set(interruptPending && (control & CTL_NIEN) == 0);
    }

    // ---- state ----

    @Override
    public void save(StateWriter out) {
        out.beginSection("ata0");
        out.writeInt(features).writeInt(sectorCount).writeInt(lbaLow).writeInt(lbaMid).writeInt(lbaHigh)
                .writeInt(device).writeInt(status).writeInt(error).writeInt(control)
                .writeInt(current.cylinders()).writeInt(current.heads()).writeInt(current.sectorsPerTrack())
                .writeInt(multiple).writeBoolean(interruptPending)
                .writeInt(transfer.ordinal()).writeInt(command).writeLong(nextLba).writeLong(remaining)
                .writeInt(blockSectors).writeInt(position).writeInt(length)
                .writeBytes(buffer, 0, transfer == Transfer.NONE ? 0 : length);
        out.endSection("ata0");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("ata0");
        features = in.readInt(0, 0xFF, "ATA features");
        sectorCount = in.readInt(0, 0xFF, "ATA sector count");
        lbaLow = in.readInt(0, 0xFF, "ATA LBA low");
        lbaMid = in.readInt(0, 0xFF, "ATA LBA mid");
        lbaHigh = in.readInt(0, 0xFF, "ATA LBA high");
        device = in.readInt(0, 0xFF, "ATA device");
        status = in.readInt(0, 0xFF, "ATA status");
        error = in.readInt(0, 0xFF, "ATA error");
        control = in.readInt(0, 0xFF, "ATA control");
        current = new Geometry(in.readInt(0, 0xFFFF, "cylinders"), in.readInt(1, 16, "heads"),
                in.readInt(1, 255, "sectors per track"));
        multiple = in.readInt(0, IdentifyData.MAX_MULTIPLE, "ATA multiple");
        interruptPending = in.readBoolean();
        transfer = Transfer.values()[in.readInt(0, Transfer.values().length - 1, "ATA transfer")];
        command = in.readInt(0, 0xFF, "ATA command");
        nextLba = in.readLong();
        remaining = in.readLong();
        blockSectors = in.readInt(0, IdentifyData.MAX_MULTIPLE, "ATA block");
        position = in.readInt(0, buffer.length, "ATA buffer position");
        length = in.readInt(0, buffer.length, "ATA buffer length");
        byte[] data = in.readBytes();
        if (data.length > buffer.length || (transfer != Transfer.NONE && data.length != length)) {
            throw new StateFormatException("ATA buffer of " + data.length + " bytes does not match the transfer");
        }
        if (nextLba < 0 || remaining < 0 || nextLba + remaining > disk.sectorCount()) {
            throw new StateFormatException("ATA transfer beyond the disk: sector " + nextLba + " + " + remaining);
        }
        System.arraycopy(data, 0, buffer, 0, data.length);
        in.endSection("ata0");
    }
}
