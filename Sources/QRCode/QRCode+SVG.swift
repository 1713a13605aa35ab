/// SVG rendering, for web pages: one path of unit squares on a white square with a 4-module quiet zone.
extension QRCode {
    /// The code as an inline `<svg>` element, scaled by the page's CSS; `label` is read out by screen readers.
    public func svg(label: String) -> String {
        let border = 4
        let side = size + 2 * border
        var path = ""
        for (row, modules) in modules.enumerated() {
            for (column, isDark) in modules.enumerated() where isDark {
                path += "M\(column + border) \(row + border)h1v1h-1z"
            }
        }
        var escaped = ""
        for character in label {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "<": escaped += "&lt;"
            default: escaped.append(character)
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges" role="img" aria-label="\(escaped)">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
