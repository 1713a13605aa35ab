/// A QR code (ISO/IEC 18004), byte mode, error correction level M, versions 1 to 20:
/// the module matrix, and its renderings (``png(scale:)``).
///
/// ```swift
/// let code = try QRCode(encoding: "otpauth://totp/Gatehouse:alice?secret=...")
/// let png = code.png(scale: 4)
/// ```
public struct QRCode: Sendable {
    /// The version (1...20): the code is `17 + 4 × version` modules wide.
    public let version: Int
    /// Dark modules, row by row.
    public let modules: [[Bool]]

    /// The side length in modules.
    public var size: Int { modules.count }

    /// Text too long for a version-20 code at level M (666 bytes).
    public struct TooLong: Error, Sendable {}

    /// Encodes `text` (its UTF-8 bytes) in the smallest version that holds it.
    public init(encoding text: String) throws(TooLong) {
        let data = Array(text.utf8)
        guard let version = (1...20).first(where: { QRTables.capacity(version: $0) >= data.count }) else { throw TooLong() }
        self.version = version
        let codewords = QRCode.codewords(data, version: version)
        var matrix = QRMatrix(version: version)
        matrix.placeFunctionPatterns()
        matrix.placeData(codewords)
        modules = matrix.bestMasked()
    }

    /// The data codewords (mode, length, bytes, terminator, padding), split into blocks with their
    /// Reed-Solomon error correction codewords, interleaved as the standard lays them out.
    static func codewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let layout = QRTables.levelM[version - 1]
        var bits = BitWriter()
        bits.append(0b0100, count: 4)
        bits.append(UInt32(data.count), count: version < 10 ? 8 : 16)
        for byte in data { bits.append(UInt32(byte), count: 8) }
        let capacityBits = layout.dataCodewords * 8
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.padToByte()
        var bytes = bits.bytes
        var pad: UInt8 = 0xEC
        while bytes.count < layout.dataCodewords {
            bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        var blocks: [[UInt8]] = []
        var offset = 0
        for (count, length) in [(layout.group1Blocks, layout.group1Data), (layout.group2Blocks, layout.group1Data + 1)] {
            for _ in 0..<count {
                blocks.append(Array(bytes[offset..<offset + length]))
                offset += length
            }
        }
        let ecc = blocks.map { ReedSolomon.remainder($0, degree: layout.ecPerBlock) }
        var out: [UInt8] = []
        for index in 0..<(blocks.map(\.count).max() ?? 0) {
            for block in blocks where index < block.count { out.append(block[index]) }
        }
        for index in 0..<layout.ecPerBlock {
            for block in ecc { out.append(block[index]) }
        }
        return out
    }
}

/// Bits, most significant first.
struct BitWriter {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: UInt32, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> UInt32(shift)) & 1 == 1) }
    }

    mutating func padToByte() {
        while bits.count % 8 != 0 { bits.append(false) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<min(start + 8, bits.count)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }
}

/// Reed-Solomon over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static let (exp, log): ([UInt8], [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512)
        var log = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exp[power] = UInt8(value)
            log[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for power in 255..<512 { exp[power] = exp[power - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
    }

    /// The generator polynomial ∏ (x − αⁱ), i < degree, highest coefficient first (without the leading 1).
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            for (index, coefficient) in polynomial.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, exp[power])
            }
            polynomial = next
        }
        return Array(polynomial.dropFirst())
    }

    /// The error correction codewords of `data`.
    static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
        let generator = generator(degree: degree)
        var remainder = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<degree { remainder[index] ^= multiply(generator[index], factor) }
        }
        return remainder
    }
}
