package dev.vivarium.datastore.lease;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One epoch of a VM's lease, as stored in its lease file.
 *
 * @param owner     the holding host, or empty when the owner released the VM at this epoch
 * @param cutoffSeq the highest VM file sequence number present when this epoch began: files of
 *                  older epochs with a higher sequence are late writes of a fenced owner
 */
public record LeaseRecord(long epoch, String owner, long cutoffSeq, long takenAtMillis) {
    public boolean isHeld() {
        return !owner.isEmpty();
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(owner);
            out.writeLong(cutoffSeq);
            out.writeLong(takenAtMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static LeaseRecord decode(long epoch, byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            return new LeaseRecord(epoch, in.readUTF(), in.readLong(), in.readLong());
        }
    }
}
