import AWSWire

/// Prepares values for the audit trail as CloudTrail writes them: members named in lower camel
/// case (`userName`), timestamps in CloudTrail's words (`Jul 9, 2018 12:56:54 PM`), and every member
/// whose shape the model marks `sensitive` (passwords, secret keys, session tokens, MFA seeds) replaced
/// by CloudTrail's placeholder.
enum AuditRedaction {
    static let placeholder = AWSValue.string("HIDDEN_DUE_TO_SECURITY_REASONS")

    static func redact(_ value: AWSValue, reference: ShapeReference?, model: ServiceModel) -> AWSValue {
        guard let reference else { return value }
        return redact(value, shape: model.shape(reference), model: model)
    }

    static func redact(_ value: AWSValue, shape: Shape, model: ServiceModel) -> AWSValue {
        if shape.sensitive { return placeholder }
        switch (value, shape.kind) {
        case (.object(let members), .structure):
            var out: [String: AWSValue] = [:]
            for (name, member) in members {
                out[name.prefix(1).lowercased() + name.dropFirst()] =
                    shape.members[name].map { redact(member, shape: model.shape($0), model: model) } ?? member
            }
            return .object(out)
        case (.object(let entries), .map):
            guard let valueShape = shape.value.map(model.shape) else { return value }
            return .object(entries.mapValues { redact($0, shape: valueShape, model: model) })
        case (.list(let items), .list):
            guard let memberShape = shape.member.map(model.shape) else { return value }
            return .list(items.map { redact($0, shape: memberShape, model: model) })
        case (.timestamp(let date), _):
            return .string(Timestamp.cloudTrail(date))
        default:
            return value
        }
    }
}
