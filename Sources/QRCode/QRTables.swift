/// The standard's tables for error correction level M, versions 1 to 20.
enum QRTables {
    /// How a version's codewords split into blocks.
    struct Layout {
        let ecPerBlock: Int
        let group1Blocks: Int
        let group1Data: Int
        let group2Blocks: Int

        var dataCodewords: Int { group1Blocks * group1Data + group2Blocks * (group1Data + 1) }
    }

    static let levelM: [Layout] = [
        .init(ecPerBlock: 10, group1Blocks: 1, group1Data: 16, group2Blocks: 0),
        .init(ecPerBlock: 16, group1Blocks: 1, group1Data: 28, group2Blocks: 0),
        .init(ecPerBlock: 26, group1Blocks: 1, group1Data: 44, group2Blocks: 0),
        .init(ecPerBlock: 18, group1Blocks: 2, group1Data: 32, group2Blocks: 0),
        .init(ecPerBlock: 24, group1Blocks: 2, group1Data: 43, group2Blocks: 0),
        .init(ecPerBlock: 16, group1Blocks: 4, group1Data: 27, group2Blocks: 0),
        .init(ecPerBlock: 18, group1Blocks: 4, group1Data: 31, group2Blocks: 0),
        .init(ecPerBlock: 22, group1Blocks: 2, group1Data: 38, group2Blocks: 2),
        .init(ecPerBlock: 22, group1Blocks: 3, group1Data: 36, group2Blocks: 2),
        .init(ecPerBlock: 26, group1Blocks: 4, group1Data: 43, group2Blocks: 1),
        .init(ecPerBlock: 30, group1Blocks: 1, group1Data: 50, group2Blocks: 4),
        .init(ecPerBlock: 22, group1Blocks: 6, group1Data: 36, group2Blocks: 2),
        .init(ecPerBlock: 22, group1Blocks: 8, group1Data: 37, group2Blocks: 1),
        .init(ecPerBlock: 24, group1Blocks: 4, group1Data: 40, group2Blocks: 5),
        .init(ecPerBlock: 24, group1Blocks: 5, group1Data: 41, group2Blocks: 5),
        .init(ecPerBlock: 28, group1Blocks: 7, group1Data: 45, group2Blocks: 3),
        .init(ecPerBlock: 28, group1Blocks: 10, group1Data: 46, group2Blocks: 1),
        .init(ecPerBlock: 26, group1Blocks: 9, group1Data: 43, group2Blocks: 4),
        .init(ecPerBlock: 26, group1Blocks: 3, group1Data: 44, group2Blocks: 11),
        .init(ecPerBlock: 26, group1Blocks: 3, group1Data: 41, group2Blocks: 13),
    ]

    /// Alignment pattern centres (rows and columns) per version.
    static let alignment: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
        [6, 30, 54], [6, 32, 58], [6, 34, 62], [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78],
        [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90],
    ]

    /// Bytes a version holds in byte mode (mode and length bits deducted).
    static func capacity(version: Int) -> Int {
        (levelM[version - 1].dataCodewords * 8 - 4 - (version < 10 ? 8 : 16)) / 8
    }
}
