import AccessPolicy
import Benchmark

/// The policy engine's hot paths: compiling a policy, and one decision against 10 or 100 policies.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let tenStatements = PolicyFixtures.policyText(seed: 1, statements: 10)
    Benchmark("Parse and compile a 10-statement policy") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CompiledPolicy(id: "p", text: tenStatements))
        }
    }

    for (count, shared) in [(10, true), (100, true), (10, false), (100, false)] {
        let policies = PolicyFixtures.policies(count: count, shared: shared)
        let set = PolicySet(identity: policies)
        let context = PolicyFixtures.context()
        let principal = PrincipalIdentity(arn: "arn:aws:iam::111122223333:user/alice", accountId: "111122223333", isRoot: false)
        let name = "Decide: \(count) policies x 10 statements, wildcards, 3 conditions" + (shared ? "" : ", none shared")
        // A thousand decisions per sample: the harness's own work (18 allocations a sample) is spread over them,
        // so the allocation count shows the decision's own.
        Benchmark(name, configuration: .init(scalingFactor: .kilo)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(PolicyEvaluator.outcome(set, context: context, principal: principal))
            }
        }
    }
}

/// Policies shaped like real ones: service wildcards, ARN patterns with variables, three conditions each.
/// `shared`: every policy repeats the same conditions and resource patterns (as policies written from one
/// template do); otherwise each policy's are its own, so a decision cannot reuse one policy's results
/// for another.
enum PolicyFixtures {
    static let services = ["s3", "ec2", "iam", "sts", "dynamodb", "lambda", "sqs", "sns", "kms", "logs"]

    static func policyText(seed: Int, statements: Int, shared: Bool = true) -> String {
        let body = (0..<statements).map { index -> String in
            let service = services[(seed + index) % services.count]
            let own = shared ? "" : "-\(seed)"
            let network = shared ? "10.0.0.0/8" : "10.\(seed).0.0/16"
            let third = shared ? #""Bool":{"aws:SecureTransport":"true"}"# : #""StringNotEquals":{"aws:username":"nobody\#(own)"}"#
            return """
                {"Sid":"S\(index)","Effect":"\(index == statements - 1 && seed % 7 == 0 ? "Deny" : "Allow")",
                 "Action":["\(service):Get*","\(service):List?\(index)*","\(service):Describe*"],
                 "Resource":["arn:aws:\(service):*:111122223333:thing/${aws:username, 'none\(own)'}/*","arn:aws:\(service):us-east-1:*:other/\(index)-*"],
                 "Condition":{"StringEquals":{"aws:PrincipalTag/team":["blue\(own)","green"]},
                              "IpAddress":{"aws:SourceIp":["\(network)","203.0.113.0/24"]},
                              \(third)}}
                """
        }
        return #"{"Version":"2012-10-17","Statement":["# + body.joined(separator: ",") + "]}"
    }

    static func policies(count: Int, shared: Bool = true) -> [CompiledPolicy] {
        (0..<count).map { try! CompiledPolicy(id: "policy-\($0)", text: policyText(seed: $0, statements: 10, shared: shared)) }
    }

    /// A request that the last policies' statements match only deep into the list.
    static func context() -> RequestContext {
        RequestContext(
            action: "kms:GetKeyPolicy", resource: "arn:aws:kms:us-east-1:111122223333:thing/alice/key-1",
            keys: [
                "aws:username": ["alice"], "aws:PrincipalTag/team": ["green"], "aws:SourceIp": ["203.0.113.9"],
                "aws:SecureTransport": ["true"],
            ])
    }
}
