import Foundation

/// An AWS service as botocore's model describes it: protocol, operations and shapes.
///
/// Gatehouse routes, decodes, validates and encodes every request from these models
/// (generated into `Models/` by `scripts/generate-models.py`), so names, shapes and
/// wire formats are AWS's own.
public final class ServiceModel: Sendable {
    /// The wire protocols AWS services speak.
    public enum WireProtocol: String, Sendable {
        case query
        case json
        case restJSON = "rest-json"
    }

    public let wireProtocol: WireProtocol
    public let apiVersion: String
    /// The SigV4 service name (`iam`, `sso`, `awsssoportal`).
    public let signingName: String
    /// The `eventSource` host in the audit trail (`iam.amazonaws.com`).
    public let endpointPrefix: String
    public let targetPrefix: String?
    public let xmlNamespace: String?
    public let jsonVersion: String
    public let operations: [String: ServiceOperation]
    public let shapes: [String: Shape]
    /// The same shapes by number: every ``ShapeReference`` carries its shape's, so following one is an array read.
    private let numbered: [Shape]

    init(decoding data: Data) throws {
        let raw = try JSONDecoder().decode(RawModel.self, from: data)
        wireProtocol = WireProtocol(rawValue: raw.metadata.protocol) ?? .json
        apiVersion = raw.metadata.apiVersion
        signingName = raw.metadata.signingName ?? raw.metadata.endpointPrefix
        endpointPrefix = raw.metadata.endpointPrefix
        targetPrefix = raw.metadata.targetPrefix
        xmlNamespace = raw.metadata.xmlNamespace
        jsonVersion = raw.metadata.jsonVersion ?? "1.0"
        let sorted = raw.shapes.sorted { $0.key < $1.key }
        let numbers = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element.key, $0.offset) })
        numbered = sorted.map { Shape($0.value, numbers: numbers) }
        shapes = Dictionary(uniqueKeysWithValues: zip(sorted.map(\.key), numbered))
        operations = raw.operations.mapValues { ServiceOperation($0, numbers: numbers) }
    }

    /// Decodes a model embedded by the generator; a broken model is a build defect.
    static func generated(_ json: String) -> ServiceModel {
        do {
            return try ServiceModel(decoding: Data(json.utf8))
        } catch {
            preconditionFailure("embedded service model does not decode: \(error)")
        }
    }

    /// The shape a reference points to.
    public func shape(_ reference: ShapeReference) -> Shape {
        guard let number = reference.number else { preconditionFailure("model names unknown shape \(reference.shape)") }
        return numbered[number]
    }

    /// The content type of this protocol's requests and responses.
    public var contentType: String {
        switch wireProtocol {
        case .query: "text/xml"
        case .json: "application/x-amz-json-\(jsonVersion)"
        case .restJSON: "application/json"
        }
    }
}

/// One operation of a service model (a class: the request path passes it along several times, and a
/// reference costs one retain where a copy retained each of its strings).
public final class ServiceOperation: Sendable {
    public let name: String
    public let httpMethod: String
    /// The REST path template (`/federation/credentials`, `/{Id}`), `/` for query and json.
    public let requestURI: String
    public let input: ShapeReference?
    public let output: ShapeReference?
    /// The element wrapping a query response's output (`GetCallerIdentityResult`).
    public let resultWrapper: String?
    /// Whether the operation is called without SigV4 (sso-oidc, the SSO portal's bearer token calls).
    public let unsigned: Bool

    init(_ raw: RawOperation, numbers: [String: Int]) {
        name = raw.name
        httpMethod = raw.http?.method ?? "POST"
        requestURI = raw.http?.requestUri ?? "/"
        input = raw.input.map { ShapeReference($0, numbers: numbers) }
        output = raw.output.map { ShapeReference($0, numbers: numbers) }
        resultWrapper = raw.output?.resultWrapper
        unsigned = raw.authtype == "none" || (raw.auth?.contains("smithy.api#noAuth") ?? false)
    }
}

/// A member's or operation's reference to a shape, with its serialization traits.
public struct ShapeReference: Sendable {
    public let shape: String
    /// The wire name (XML element, query key, header or query-string name).
    public let locationName: String?
    /// `uri`, `querystring`, `header`, `headers`, `statusCode`; `nil` for the body.
    public let location: String?
    public let flattened: Bool
    public let timestampFormat: String?
    /// The shape's number in its model (`nil`: the model names no such shape).
    let number: Int?

    init(_ raw: RawReference, numbers: [String: Int]) {
        shape = raw.shape
        number = numbers[raw.shape]
        locationName = raw.locationName
        location = raw.location
        flattened = raw.flattened ?? false
        timestampFormat = raw.timestampFormat
    }
}

/// A shape of a service model (a class: shapes are read on every request, and a reference costs one retain).
public final class Shape: Sendable {
    /// What kind of value the shape holds.
    public enum Kind: String, Sendable {
        case structure, list, map, string, integer, long, double, float, boolean, timestamp, blob
        /// Any JSON value (a Smithy document: identity store's `AttributeValue`).
        case document
    }

    public let kind: Kind
    /// Structure members, by member name.
    public let members: [String: ShapeReference]
    /// The members sorted by name: the order responses write them in.
    public let sortedMembers: [(name: String, reference: ShapeReference)]
    public let required: Set<String>
    public let member: ShapeReference?
    public let key: ShapeReference?
    public let value: ShapeReference?
    public let flattened: Bool
    public let min: Double?
    public let max: Double?
    public let pattern: String?
    public let enumValues: [String]?
    public let timestampFormat: String?
    public let sensitive: Bool
    /// For exceptions: AWS's error code and HTTP status, when the model gives them.
    public let errorCode: String?
    public let httpStatus: Int?

    init(_ raw: RawShape, numbers: [String: Int]) {
        kind = raw.document == true ? .document : Kind(rawValue: raw.type) ?? .string
        members = (raw.members ?? [:]).mapValues { ShapeReference($0, numbers: numbers) }
        sortedMembers = members.sorted { $0.key < $1.key }.map { (name: $0.key, reference: $0.value) }
        required = Set(raw.required ?? [])
        member = raw.member.map { ShapeReference($0, numbers: numbers) }
        key = raw.key.map { ShapeReference($0, numbers: numbers) }
        value = raw.value.map { ShapeReference($0, numbers: numbers) }
        flattened = raw.flattened ?? false
        min = raw.min
        max = raw.max
        pattern = raw.pattern
        enumValues = raw.enum
        timestampFormat = raw.timestampFormat
        sensitive = raw.sensitive ?? false
        errorCode = raw.error?.code
        httpStatus = raw.error?.httpStatusCode
    }
}

// MARK: The model's JSON form (botocore service-2.json)

struct RawModel: Decodable {
    struct Metadata: Decodable {
        var apiVersion: String
        var endpointPrefix: String
        var `protocol`: String
        var signingName: String?
        var targetPrefix: String?
        var xmlNamespace: String?
        var jsonVersion: String?
    }

    var metadata: Metadata
    var operations: [String: RawOperation]
    var shapes: [String: RawShape]
}

struct RawOperation: Decodable {
    struct HTTP: Decodable {
        var method: String
        var requestUri: String
    }


    var name: String
    var http: HTTP?
    var input: RawReference?
    var output: RawReference?
    var authtype: String?
    var auth: [String]?
}


struct RawReference: Decodable {
    var shape: String
    var locationName: String?
    var location: String?
    var flattened: Bool?
    var timestampFormat: String?
    var resultWrapper: String?
}

struct RawShape: Decodable {
    struct ErrorTrait: Decodable {
        var code: String?
        var httpStatusCode: Int?
    }

    var type: String
    var members: [String: RawReference]?
    var required: [String]?
    var member: RawReference?
    var key: RawReference?
    var value: RawReference?
    var flattened: Bool?
    var min: Double?
    var max: Double?
    var pattern: String?
    var `enum`: [String]?
    var timestampFormat: String?
    var sensitive: Bool?
    var error: ErrorTrait?
    var document: Bool?
}

extension ServiceModel {
    /// The error a modelled exception stands for: its code and HTTP status from the model
    /// (`NoSuchEntityException` → `NoSuchEntity`, 404).
    public func error(_ exception: String, _ message: String) -> AWSError {
        let shape = shapes[exception]
        return AWSError(code: shape?.errorCode ?? exception, message: message, status: shape?.httpStatus ?? 400)
    }
}

extension ServiceModel {
    /// The region a request to this service is made in: a global service's one region (IAM, Organizations:
    /// `us-east-1`), whatever region the client signed for (an SDK pointed at a custom endpoint signs IAM with its
    /// own region), else the region signed for. It is the request's `aws:RequestedRegion` and its event's `awsRegion`.
    public func requestRegion(signedFor region: String) -> String {
        AWSRegions.globalEndpoints[endpointPrefix] ?? region
    }
}
