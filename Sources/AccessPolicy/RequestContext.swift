/// What a decision is about: who asks, to do what, on which resource, with which condition keys.
///
/// Condition keys are case-insensitive; they are stored lower-cased.
public struct RequestContext: Sendable {
    /// `iam:CreateUser`.
    public var action: String {
        didSet {
            lowercasedAction = action.lowercased()
            service = RequestContext.service(of: lowercasedAction)
        }
    }
    /// The action in lower case (actions compare case-insensitively).
    private(set) var lowercasedAction: String
    /// The action's service prefix, lower case (`iam`).
    private(set) var service: String
    /// The resource ARN (`*` for actions that name no resource).
    public var resource: String
    /// Condition key values: `aws:username` → `["alice"]`. Multivalued keys have several.
    public private(set) var keys: [String: [String]]

    public init(action: String, resource: String, keys: [String: [String]] = [:]) {
        self.action = action
        lowercasedAction = action.lowercased()
        service = RequestContext.service(of: lowercasedAction)
        self.resource = resource
        self.keys = [:]
        for (key, values) in keys { self.keys[key.lowercased()] = values }
    }

    /// The values of a key, if present.
    public func values(_ key: String) -> [String]? {
        keys[key.lowercased()]
    }

    public mutating func set(_ key: String, _ values: [String]) {
        keys[key.lowercased()] = values
    }

    static func service(of action: String) -> String {
        action.split(separator: ":", maxSplits: 1).first.map(String.init) ?? action
    }
}
