import AWSWire
import AccessPolicy
import ArgumentParser
import Authorization
import Directory
import Foundation

/// `gatehouse policy ...`: check and simulate IAM policy documents offline, with the server's own engine.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check and simulate IAM policy documents, and a data folder's users and roles, offline.",
        subcommands: [Check.self, Simulate.self, SimulatePrincipal.self]
    )

    /// Which grammar a document follows.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case identity, trust, resource

        var policyKind: PolicyKind {
            switch self {
            case .identity: .identity
            case .trust: .trust
            case .resource: .resource
            }
        }
    }

    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// `gatehouse policy check FILE`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a policy document as IAM does on write, and point out what is likely a mistake.",
            discussion: "Exits 1 when the document is malformed (IAM would answer MalformedPolicyDocument), 0 otherwise."
        )

        @Argument(help: "The policy document (JSON).")
        var file: String

        @Option(help: "identity (user, group, role, boundary, session), trust (a role's trust policy) or resource.")
        var kind: Kind = .identity

        func run() throws {
            do {
                let document = try PolicyParser.parse(try PolicyCommand.read(file), kind: kind.policyKind)
                let warnings = PolicyParser.warnings(document)
                for warning in warnings { print("warning: \(warning)") }
                print("\(file): valid \(kind.rawValue) policy, \(document.statements.count) statement(s), \(warnings.count) warning(s).")
            } catch let error as PolicyError {
                print("error: \(error)")
                throw ExitCode(1)
            }
        }
    }

    /// `gatehouse policy simulate`.
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide one request against identity policies (and optionally a permissions boundary), and explain.",
            discussion: "Example: gatehouse policy simulate --policy admin.json --action iam:CreateUser --context aws:MultiFactorAuthPresent=true"
        )

        @Option(name: .customLong("policy"), help: "An identity policy document; repeat for several.")
        var policies: [String] = []

        @Option(name: .customLong("boundary"), help: "A permissions boundary document.")
        var boundary: String?

        @Option(help: "The action, e.g. iam:CreateUser.")
        var action: String

        @Option(help: "The resource ARN.")
        var resource: String = "*"

        @Option(name: .customLong("context"), help: "A condition key and value: aws:SourceIp=203.0.113.7 (repeat for more values or keys).")
        var context: [String] = []

        func run() throws {
            var request = RequestContext(action: action, resource: resource)
            for entry in context {
                guard let equals = entry.firstIndex(of: "=") else { throw ValidationError("--context expects key=value, got '\(entry)'") }
                let key = String(entry[..<equals])
                request.set(key, (request.values(key) ?? []) + [String(entry[entry.index(after: equals)...])])
            }
            do {
                let identity = try policies.map { try CompiledPolicy(id: $0, text: try PolicyCommand.read($0)) }
                let boundaries = try boundary.map { [try CompiledPolicy(id: $0, text: try PolicyCommand.read($0))] }
                let decision = PolicyEvaluator.evaluate(
                    PolicySet(identity: identity, permissionsBoundary: boundaries), context: request,
                    principal: PrincipalIdentity(arn: "arn:aws:iam::000000000000:user/simulated", accountId: "000000000000", isRoot: false))
                print("\(decision.outcome.rawValue): \(action) on \(resource)" + (decision.decidingLayer.map { " (decided by the \($0.rawValue))" } ?? ""))
                for statement in decision.matched {
                    print("  matched \(statement.effect.rawValue) in \(statement.policyId), statement \(statement.statementIndex)" + (statement.sid.map { " (\($0))" } ?? ""))
                }
                let missing = PolicyEvaluator.missingContextKeys(identity, context: request)
                if !missing.isEmpty { print("  context keys the policies use that were not given: \(missing.joined(separator: ", "))") }
                if !decision.allowed { throw ExitCode(2) }
            } catch let error as PolicyError {
                print("error: \(error)")
                throw ExitCode(1)
            }
        }
    }

    /// `gatehouse policy simulate-principal`: `iam simulate-principal-policy` without a server.
    struct SimulatePrincipal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate-principal",
            abstract: "Decide requests of a user or role in the data folder as enforcement decides them.",
            discussion: """
                The server's own simulator over its authorizer (what SimulatePrincipalPolicy runs): the principal's \
                policies, groups, boundary and tags, a role as one of its sessions. Exits 2 when a request is not allowed.
                Example: gatehouse policy simulate-principal --principal arn:aws:iam::123456789012:user/alice --action iam:CreateUser
                """)

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The user, group or role ARN.")
        var principal: String

        @Option(help: "An action, e.g. iam:CreateUser; repeat for several.")
        var action: [String]

        @Option(help: "A resource ARN; repeat for several (default: *).")
        var resource: [String] = []

        @Option(name: .customLong("context"), help: "A condition key and value: aws:SourceIp=203.0.113.7 (repeat for more values or keys).")
        var context: [String] = []

        func run() async throws {
            let parts = principal.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[4].count == 12 else { throw ValidationError("--principal must be an IAM user, group or role ARN, got '\(principal)'") }
            var entries: [String: [String]] = [:]
            for entry in context {
                guard let equals = entry.firstIndex(of: "=") else { throw ValidationError("--context expects key=value, got '\(entry)'") }
                entries[String(entry[..<equals]), default: []].append(String(entry[entry.index(after: equals)...]))
            }
            let input: AWSValue = [
                "PolicySourceArn": .string(principal), "ActionNames": .list(action.map { .string($0) }),
                "ResourceArns": .list(resource.map { .string($0) }),
                "ContextEntries": .list(
                    entries.sorted { $0.key < $1.key }.map { key, values in
                        ["ContextKeyName": .string(key), "ContextKeyValues": .list(values.map { .string($0) }), "ContextKeyType": "string"]
                    }),
            ]
            let accountId = String(parts[4])
            let output = try await settings.withDirectory { directory in
                let simulation = IAMSimulation(directory: directory, authorizer: Authorizer(directory: directory))
                guard let entry = simulation.entries.first(where: { $0.name == "SimulatePrincipalPolicy" }) else { throw ExitCode.failure }
                let caller = Caller(
                    principal: .root(of: accountId), accessKeyId: "", sessionCredentials: false, region: "us-east-1", sourceIPAddress: "127.0.0.1",
                    userAgent: "gatehouse policy simulate-principal")
                do {
                    return try await entry.handler(OperationCall(input: input, caller: caller, requestId: UUID().uuidString.lowercased(), time: Date()))
                } catch let error as AWSError {
                    throw ValidationError(error.message)
                }
            }
            var allAllowed = true
            for result in output["EvaluationResults"]?.list ?? [] {
                let decision = result["EvalDecision"]?.string ?? ""
                allAllowed = allAllowed && decision == "allowed"
                print("\(decision): \(result["EvalActionName"]?.string ?? "") on \(result["EvalResourceName"]?.string ?? "")")
                for statement in result["MatchedStatements"]?.list ?? [] {
                    print("  matched \(statement["SourcePolicyType"]?.string ?? "") \(statement["SourcePolicyId"]?.string ?? "")")
                }
                let missing = (result["MissingContextValues"]?.list ?? []).compactMap(\.string)
                if !missing.isEmpty { print("  context keys the policies use that were not given: \(missing.joined(separator: ", "))") }
            }
            if !allAllowed { throw ExitCode(2) }
        }
    }
}
