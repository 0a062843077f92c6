package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Creates the temporary files that writes go through. It is the seam where the device's faults
 * (a full disk, an I/O error) enter; production uses {@link #LOCAL}, tests wrap it to inject them.
 */
@FunctionalInterface
public interface FileCreator {
    WritableFile createNew(Path path) throws IOException;

    FileCreator LOCAL = path -> {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new WritableFile() {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }

            @Override
            public void sync() throws IOException {
                channel.force(true);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    };
}
