import Foundation
import Testing

@testable import QRCode

struct QRCodeTests {
    /// The standard's worked example (version 1-M, "HELLO WORLD" in alphanumeric mode): its data codewords and their ECC.
    @Test func reedSolomonMatchesTheStandardExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test(arguments: [1, 20, 100, 150, 300, 600])
    func smallestVersionIsChosen(length: Int) throws {
        let code = try QRCode(encoding: String(repeating: "a", count: length))
        #expect(QRTables.capacity(version: code.version) >= length)
        if code.version > 1 { #expect(QRTables.capacity(version: code.version - 1) < length) }
        #expect(code.size == 17 + 4 * code.version)
    }

    @Test func finderPatternsSitInThreeCorners() throws {
        let code = try QRCode(encoding: "otpauth://totp/Gatehouse:alice?secret=JBSWY3DPEHPK3PXP&issuer=Gatehouse")
        let size = code.size
        for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            #expect((0..<7).allSatisfy { code.modules[top][left + $0] && code.modules[top + 6][left + $0] })
            #expect((0..<7).allSatisfy { code.modules[top + $0][left] && code.modules[top + $0][left + 6] })
            #expect(!code.modules[top + 1][left + 1] && code.modules[top + 3][left + 3])
        }
        #expect(code.modules[size - 8][8], "the dark module")
    }

    @Test func tooLongTextIsRefused() {
        #expect(throws: QRCode.TooLong.self) { try QRCode(encoding: String(repeating: "x", count: 700)) }
    }

    @Test func pngHasSignatureHeaderAndValidChecksums() throws {
        let png = try QRCode(encoding: "hello").png(scale: 2)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        let side = (21 + 8) * 2
        #expect(Array(png[16..<24]) == PNG.bigEndian(UInt32(side)) + PNG.bigEndian(UInt32(side)))
        #expect(PNG.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(PNG.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        if let directory = ProcessInfo.processInfo.environment["QRCODE_TEST_OUTPUT"] {
            for length in [10, 60, 120, 200, 400] {
                let text = "otpauth://totp/x?secret=" + String(repeating: "A", count: length)
                let data = Data(try QRCode(encoding: text).png(scale: 3))
                try data.write(to: URL(fileURLWithPath: "\(directory)/qr-\(length).png"))
            }
        }
    }
}

@Suite struct QRCodeSVGTests {
    @Test func everyDarkModuleIsOneUnitSquareInsideTheQuietZone() throws {
        let code = try QRCode(encoding: "otpauth://totp/phone@123456789012?secret=JBSWY3DPEHPK3PXP&issuer=Gatehouse")
        let svg = code.svg(label: "a \"quoted\" <label> & more")
        let dark = code.modules.joined().filter { $0 }.count
        #expect(svg.components(separatedBy: "h1v1h-1z").count - 1 == dark)
        #expect(svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(svg.contains("aria-label=\"a &quot;quoted&quot; &lt;label> &amp; more\""))
    }
}
