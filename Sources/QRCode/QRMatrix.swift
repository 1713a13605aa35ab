/// The module grid while a code is built: which modules are set, and which belong to function patterns.
struct QRMatrix {
    let version: Int
    let size: Int
    var dark: [[Bool]]
    var reserved: [[Bool]]

    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        dark = Array(repeating: Array(repeating: false, count: size), count: size)
        reserved = dark
    }

    mutating func set(_ row: Int, _ column: Int, _ value: Bool) {
        dark[row][column] = value
        reserved[row][column] = true
    }

    mutating func placeFunctionPatterns() {
        for (row, column) in [(0, 0), (0, size - 7), (size - 7, 0)] { placeFinder(row, column) }
        for index in 8..<(size - 8) {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        let centres = QRTables.alignment[version - 1]
        let last = centres.count - 1
        for (i, row) in centres.enumerated() {
            // Every combination of centres, except the three that fall on finder patterns.
            for (j, column) in centres.enumerated() where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                for dy in -2...2 {
                    for dx in -2...2 { set(row + dy, column + dx, max(abs(dy), abs(dx)) != 1) }
                }
            }
        }
        // Format areas are written after masking; reserve them now. The dark module is always set.
        for index in 0..<9 {
            reserved[8][index] = true
            reserved[index][8] = true
        }
        for index in 0..<8 {
            reserved[8][size - 1 - index] = true
            reserved[size - 1 - index][8] = true
        }
        set(size - 8, 8, true)
        if version >= 7 { placeVersion() }
    }

    /// A finder pattern (7 × 7) and its light separator.
    mutating func placeFinder(_ top: Int, _ left: Int) {
        for dy in -1...7 {
            for dx in -1...7 {
                let row = top + dy
                let column = left + dx
                guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                let ring = max(abs(dy - 3), abs(dx - 3))
                set(row, column, ring != 2 && ring != 4)
            }
        }
    }

    /// The 18-bit version information blocks (versions 7 and up), BCH(18, 6).
    mutating func placeVersion() {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for index in 0..<18 {
            let bit = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3
            let b = index / 3
            set(a, b, bit)
            set(b, a, bit)
        }
    }

    /// Data codewords in the zigzag order: two-column strips from the bottom right, skipping the timing column.
    mutating func placeData(_ codewords: [UInt8]) {
        var bitIndex = 0
        let totalBits = codewords.count * 8
        var upward = true
        var right = size - 1
        while right > 0 {
            if right == 6 { right -= 1 }
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !reserved[row][column] {
                    var bit = false
                    if bitIndex < totalBits {
                        bit = (codewords[bitIndex / 8] >> (7 - UInt8(bitIndex % 8))) & 1 == 1
                        bitIndex += 1
                    }
                    dark[row][column] = bit
                }
            }
            upward.toggle()
            right -= 2
        }
    }

    static func maskBit(_ mask: Int, _ row: Int, _ column: Int) -> Bool {
        switch mask {
        case 0: (row + column) % 2 == 0
        case 1: row % 2 == 0
        case 2: column % 3 == 0
        case 3: (row + column) % 3 == 0
        case 4: (row / 2 + column / 3) % 2 == 0
        case 5: (row * column) % 2 + (row * column) % 3 == 0
        case 6: ((row * column) % 2 + (row * column) % 3) % 2 == 0
        default: ((row + column) % 2 + (row * column) % 3) % 2 == 0
        }
    }

    /// The grid with `mask` applied to the data and the format information written.
    func masked(_ mask: Int) -> [[Bool]] {
        var grid = dark
        for row in 0..<size {
            for column in 0..<size where !reserved[row][column] && Self.maskBit(mask, row, column) {
                grid[row][column].toggle()
            }
        }
        // Level M is 00; BCH(15, 5) then XOR 0x5412.
        let data = mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0..<6 { grid[index][8] = bit(index) }
        grid[7][8] = bit(6)
        grid[8][8] = bit(7)
        grid[8][7] = bit(8)
        for index in 9..<15 { grid[8][14 - index] = bit(index) }
        for index in 0..<8 { grid[8][size - 1 - index] = bit(index) }
        for index in 8..<15 { grid[size - 15 + index][8] = bit(index) }
        grid[size - 8][8] = true
        return grid
    }

    /// The masked grid with the lowest penalty, as the standard chooses.
    func bestMasked() -> [[Bool]] {
        (0..<8).map { masked($0) }.min { Self.penalty($0) < Self.penalty($1) }!
    }

    /// The four penalty rules: runs, 2 × 2 blocks, finder-like patterns, dark/light balance.
    static func penalty(_ grid: [[Bool]]) -> Int {
        let size = grid.count
        var score = 0
        for line in 0..<size {
            var rowRun = 1
            var columnRun = 1
            for index in 1..<size {
                if grid[line][index] == grid[line][index - 1] { rowRun += 1 } else { rowRun = 1 }
                if rowRun == 5 { score += 3 } else if rowRun > 5 { score += 1 }
                if grid[index][line] == grid[index - 1][line] { columnRun += 1 } else { columnRun = 1 }
                if columnRun == 5 { score += 3 } else if columnRun > 5 { score += 1 }
            }
        }
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let value = grid[row][column]
                if grid[row][column + 1] == value, grid[row + 1][column] == value, grid[row + 1][column + 1] == value { score += 3 }
            }
        }
        let pattern: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
        let reversed = Array(pattern.reversed())
        for line in 0..<size {
            for start in 0...(size - 11) {
                let row = (0..<11).map { grid[line][start + $0] }
                let column = (0..<11).map { grid[start + $0][line] }
                for candidate in [row, column] where candidate == pattern || candidate == reversed { score += 40 }
            }
        }
        let darkCount = grid.reduce(0) { $0 + $1.filter { $0 }.count }
        let percent = darkCount * 100 / (size * size)
        score += abs(percent - 50) / 5 * 10
        return score
    }
}
