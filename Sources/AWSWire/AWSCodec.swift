/// Reads operation inputs from requests and writes outputs and errors, in each protocol's format.
///
/// ```swift
/// let route = router.route(request, signingName: "sts")
/// let input = try AWSCodec.input(of: request, route: route)
/// let response = AWSCodec.response(output, route: route, requestId: id)
/// ```
public enum AWSCodec {
    /// The operation's input, decoded and validated against the model.
    ///
    /// - Throws: ``AWSError`` (`ValidationError`, `SerializationException`, ...) naming what is wrong.
    /// - Parameters:
    ///   - validate: check the model's constraints (off when the operation checks its input itself).
    ///   - optional: top-level members the model requires that the operation lets callers omit.
    public static func input(
        of request: WireRequest, route: OperationRouter.Route, validate: Bool = true, optional: Set<String> = []
    ) throws(AWSError) -> AWSValue {
        guard let service = route.service, let operation = route.operation, let reference = operation.input else { return .empty }
        let shape = service.shape(reference)
        let value: AWSValue
        switch service.wireProtocol {
        case .query:
            value = try QueryInputDecoder(pairs: route.form, model: service).decode(shape)
        case .json:
            value = try JSONInputDecoder(model: service).decode(request.body, shape: shape)
        case .restJSON:
            value = try restInput(request, route: route, service: service, shape: shape)
        }
        if validate { try InputValidator(model: service).validate(value, shape: shape, optional: optional) }
        return value
    }

    /// Checks an input made in code (not decoded from a request) against the operation's model, as a decoded one is.
    public static func validate(_ input: AWSValue, operation: ServiceOperation, service: ServiceModel, optional: Set<String> = []) throws(AWSError) {
        guard let reference = operation.input else { return }
        try InputValidator(model: service).validate(input, shape: service.shape(reference), optional: optional)
    }

    static func restInput(_ request: WireRequest, route: OperationRouter.Route, service: ServiceModel, shape: Shape) throws(AWSError) -> AWSValue {
        guard case .object(var members) = try JSONInputDecoder(model: service).decode(request.body, shape: shape) else { return .empty }
        let query = try FormDecoding.pairs(Array(request.query.utf8))
        for (name, reference) in shape.members {
            let wireName = reference.locationName ?? name
            let text: String?
            switch reference.location {
            case "uri": text = route.labels[wireName]
            case "querystring": text = query.first { $0.name == wireName }?.value
            case "header": text = request.header(wireName)
            default: continue
            }
            if let text {
                members[name] = try Scalar.parse(text, kind: service.shape(reference).kind, name: name, wireProtocol: .restJSON)
            }
        }
        return .object(members)
    }

    /// A successful response carrying `output`.
    public static func response(_ output: AWSValue, route: OperationRouter.Route, requestId: String) -> WireResponse {
        guard let service = route.service, let operation = route.operation else {
            return error(.internalFailure, route: route, requestId: requestId)
        }
        let body: [UInt8]
        switch service.wireProtocol {
        case .query:
            body = XMLResponseEncoder(model: service).response(output, operation: operation, requestId: requestId)
        case .json, .restJSON:
            let shape = operation.output.map(service.shape)
            body = Array(JSONWriter.write(output, shape: shape, model: service).utf8)
        }
        return WireResponse(
            status: 200,
            headers: [("Content-Type", service.contentType), ("x-amzn-RequestId", requestId)],
            body: body
        )
    }

    /// An error response in the route's protocol.
    public static func error(_ error: AWSError, route: OperationRouter.Route, requestId: String) -> WireResponse {
        switch route.wireProtocol {
        case .query:
            let namespace = route.service?.xmlNamespace.map { " xmlns=\"\($0)\"" } ?? ""
            let xml =
                "<ErrorResponse\(namespace)><Error><Type>\(error.faultType)</Type><Code>\(XMLText.escape(error.code))</Code><Message>\(XMLText.escape(error.message))</Message></Error><RequestId>\(requestId)</RequestId></ErrorResponse>"
            return WireResponse(status: error.status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(xml.utf8))
        case .json:
            var members: [String: AWSValue] = ["__type": .string(error.code), "message": .string(error.message)]
            for (name, value) in error.fields { members[name] = .string(value) }
            let json = JSONWriter.write(.object(members))
            let contentType = route.service?.contentType ?? "application/x-amz-json-1.1"
            return WireResponse(status: error.status, headers: [("Content-Type", contentType), ("x-amzn-RequestId", requestId)], body: Array(json.utf8))
        case .restJSON:
            let json = JSONWriter.write(["message": .string(error.message)])
            return WireResponse(
                status: error.status,
                headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", requestId), ("x-amzn-ErrorType", error.code)],
                body: Array(json.utf8)
            )
        }
    }
}
