import AWSWire

/// `NextToken`/`MaxResults` paging over items already in order, as the JSON services page:
/// the token names the last key handed out, so a page stays right while items come and go.
enum NextTokenPaging {
    static func page<T>(
        _ items: [T], call: OperationCall, maxResults: Int = 100, invalidToken: AWSError, key: (T) -> String
    ) throws -> (items: [T], nextToken: String?) {
        let limit = Int(call.input["MaxResults"]?.integer ?? Int64(maxResults))
        var start = 0
        if let after = try lastKey(call, invalidToken: invalidToken) {
            start = items.firstIndex { key($0) > after } ?? items.count
        }
        let slice = Array(items[start..<min(items.count, start + limit)])
        let more = start + limit < items.count
        return (slice, more ? slice.last.map { Base64.encode(Array(key($0).utf8)) } : nil)
    }

    /// Paging over a snapshot map, whose keys are the tokens: `output` writes out each entry as it is read, or
    /// skips it with `nil`. A binary search and a walk, however many entries there are.
    static func page<T>(
        _ map: SortedMap<T>, call: OperationCall, maxResults: Int = 100, invalidToken: AWSError, output: (_ key: String, _ value: T) -> AWSValue?
    ) throws -> (items: [AWSValue], nextToken: String?) {
        let limit = Int(call.input["MaxResults"]?.integer ?? Int64(maxResults))
        let (items, last) = map.page(after: try lastKey(call, invalidToken: invalidToken), limit: limit, output)
        return (items, last.map { Base64.encode(Array($0.utf8)) })
    }

    /// The key a call's `NextToken` names (the last one handed out), if it gives one.
    private static func lastKey(_ call: OperationCall, invalidToken: AWSError) throws -> String? {
        guard let token = call.input["NextToken"]?.string else { return nil }
        guard let bytes = Base64.decode(token), let key = String(validating: bytes, as: UTF8.self) else { throw invalidToken }
        return key
    }

    /// `{member: [...], NextToken: ...}`.
    static func output(_ member: String, _ values: [AWSValue], nextToken: String?) -> AWSValue {
        var output: [String: AWSValue] = [member: .list(values)]
        if let nextToken { output["NextToken"] = .string(nextToken) }
        return .object(output)
    }
}
