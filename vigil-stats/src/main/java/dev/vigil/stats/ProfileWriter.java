package dev.vigil.stats;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Big-endian writer for the profile binary format; see {@code package-info.java}. */
final class ProfileWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    ProfileWriter header(String magic, int version) {
        try {
            out.write(magic.getBytes(StandardCharsets.US_ASCII));
            out.writeByte(version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProfileWriter writeInt(int value) {
        try {
            out.writeInt(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProfileWriter writeLong(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProfileWriter writeDouble(double value) {
        try {
            out.writeDouble(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A length-prefixed byte block (int length, then the bytes). */
    ProfileWriter writeBlock(byte[] block) {
        try {
            out.writeInt(block.length);
            out.write(block);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A length-prefixed UTF-8 string; unlike {@link DataOutputStream#writeUTF} it has no 64 KiB limit. */
    ProfileWriter writeString(String value) {
        return writeBlock(value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
