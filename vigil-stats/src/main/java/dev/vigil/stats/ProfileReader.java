package dev.vigil.stats;

import dev.vigil.core.VigilStateException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.datasketches.memory.Memory;

/**
 * Big-endian reader for the profile binary format. Every read checks the remaining length first, so a
 * truncated or corrupt input fails with a {@link VigilStateException} instead of an index or buffer error.
 */
final class ProfileReader {
    /** Every profile format starts with a magic of this many ASCII bytes, then its version byte. */
    static final int MAGIC_BYTES = 3;

    private final ByteBuffer buffer;
    private final String what;
    private final int version;
    private boolean skipDistinct;

    private ProfileReader(byte[] bytes, String what, int version) {
        this.buffer = ByteBuffer.wrap(bytes);
        this.what = what;
        this.version = version;
    }

    /**
     * Checks the magic bytes and the format version (1 up to {@code newestVersion}: older versions stay readable)
     * and returns a reader positioned after them.
     *
     * @param what the name used in error messages, e.g. "field profile"
     */
    static ProfileReader open(byte[] bytes, String magic, int newestVersion, String what) {
        byte[] expected = magic.getBytes(StandardCharsets.US_ASCII);
        requireHeader(bytes, expected.length, what);
        if (!Arrays.equals(bytes, 0, expected.length, expected, 0, expected.length)) {
            throw new VigilStateException("not a " + what + ": expected magic bytes '" + magic + "'");
        }
        int version = bytes[expected.length] & 0xFF;
        if (version < 1 || version > newestVersion) {
            throw new VigilStateException("unsupported " + what + " format version " + version
                    + " (this build reads versions 1 to " + newestVersion + ")");
        }
        ProfileReader reader = new ProfileReader(bytes, what, version);
        reader.buffer.position(expected.length + 1);
        return reader;
    }

    /**
     * The magic that {@code bytes} start with, as text, for {@link Profile#fromBytes} to dispatch on: the first
     * {@value #MAGIC_BYTES} bytes, each byte one character (a byte beyond ASCII matches no magic).
     *
     * @throws VigilStateException if {@code bytes} is null or too short for a magic and a version
     */
    static String magic(byte[] bytes, String what) {
        requireHeader(bytes, MAGIC_BYTES, what);
        return new String(bytes, 0, MAGIC_BYTES, StandardCharsets.ISO_8859_1);
    }

    /** {@code magic} as a message shows it: quoted when it is printable ASCII, else as hex bytes. */
    static String show(String magic) {
        if (magic.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            return "'" + magic + "'";
        }
        StringBuilder hex = new StringBuilder("bytes");
        magic.chars().forEach(c -> hex.append(String.format(" 0x%02X", c)));
        return hex.toString();
    }

    private static void requireHeader(byte[] bytes, int magicBytes, String what) {
        if (bytes == null) {
            throw new VigilStateException("cannot read a " + what + " from null bytes");
        }
        if (bytes.length < magicBytes + 1) {
            throw new VigilStateException("truncated " + what + ": " + bytes.length + " bytes, too short for a header");
        }
    }

    /** A reader over headerless bytes in the newest field-profile layout, used to copy parts through their codec. */
    static ProfileReader body(byte[] bytes, String what) {
        return new ProfileReader(bytes, what, FieldProfile.FORMAT_VERSION);
    }

    /** Makes distinct-count sketches be skipped, not read (see {@link FieldProfile#fromBytesWithoutDistinct}). */
    ProfileReader skippingDistinct() {
        skipDistinct = true;
        return this;
    }

    boolean skipsDistinct() {
        return skipDistinct;
    }

    /** The format version of the bytes being read (the newest field-profile version for headerless bytes). */
    int version() {
        return version;
    }

    private void require(long length, String item) {
        if (length < 0 || length > buffer.remaining()) {
            throw new VigilStateException("truncated " + what + ": " + item + " needs " + length + " bytes at offset "
                    + buffer.position() + ", " + buffer.remaining() + " left");
        }
    }

    int readInt(String item) {
        require(Integer.BYTES, item);
        return buffer.getInt();
    }

    /** A non-negative int that counts elements of {@code elementBytes} bytes each still to come. */
    int readCount(String item, int elementBytes) {
        int count = readInt(item);
        if (count < 0) {
            throw corrupt(item + " is negative (" + count + ")");
        }
        require((long) count * elementBytes, item);
        return count;
    }

    long readLong(String item) {
        require(Long.BYTES, item);
        return buffer.getLong();
    }

    /** A long that must not be negative (a counter). */
    long readCounter(String item) {
        long value = readLong(item);
        if (value < 0) {
            throw corrupt(item + " is negative (" + value + ")");
        }
        return value;
    }

    /**
     * A non-negative long written by {@link ProfileWriter#writeVarLong}. Rejects a varint that runs past the input,
     * one with more bytes than its value needs (a last byte of 0 after the first), and one of 64 bits or more (a
     * negative long).
     */
    long readVarLong(String item) {
        long value = 0;
        for (int i = 0; ; i++) {
            require(1, item);
            int b = buffer.get() & 0xFF;
            if (i == 8 && b > 0x7F) {
                throw corrupt(item + " is a varint beyond 63 bits (a negative long)");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if (b < 0x80) {
                if (b == 0 && i > 0) {
                    throw corrupt(item + " is an overlong varint");
                }
                return value;
            }
        }
    }

    /** A varint count of elements of at least {@code elementBytes} bytes each still to come. */
    int readVarCount(String item, int elementBytes) {
        long count = readVarLong(item);
        if (count > Integer.MAX_VALUE) {
            throw corrupt(item + " is too large (" + count + ")");
        }
        require(count * elementBytes, item);
        return (int) count;
    }

    double readDouble(String item) {
        require(Double.BYTES, item);
        return buffer.getDouble();
    }

    byte[] readBlock(String item) {
        int length = readCount(item + " length", 1);
        byte[] block = new byte[length];
        buffer.get(block);
        return block;
    }

    /**
     * A length-prefixed block as a read-only view of the bytes being read, without copying them (sketches wrap or
     * heapify it themselves). The view is little-endian, as DataSketches serializes.
     */
    Memory readRegion(String item) {
        int length = readCount(item + " length", 1);
        int position = buffer.position();
        buffer.position(position + length);
        return Memory.wrap(buffer.array(), buffer.arrayOffset() + position, length, ByteOrder.LITTLE_ENDIAN);
    }

    String readString(String item) {
        byte[] block = readBlock(item);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(block))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new VigilStateException("corrupt " + what + ": " + item + " is not valid UTF-8", e);
        }
    }

    /** Fails if bytes are left over: they would mean a writer and reader that disagree. */
    void finish() {
        if (buffer.hasRemaining()) {
            throw corrupt(buffer.remaining() + " unexpected trailing bytes");
        }
    }

    VigilStateException corrupt(String detail) {
        return new VigilStateException("corrupt " + what + ": " + detail);
    }

    VigilStateException corrupt(String detail, Throwable cause) {
        return new VigilStateException("corrupt " + what + ": " + detail, cause);
    }
}
