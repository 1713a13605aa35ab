import AWSWire
import Foundation
import QRCode

extension IAMOperations {
    var mfaEntries: [Entry] {
        [
            Entry(name: "CreateVirtualMFADevice", readOnly: false, handler: { try await createVirtualMFADevice($0) }),
            Entry(name: "EnableMFADevice", readOnly: false, handler: { try await enableMFADevice($0) }, optionalMembers: ["UserName"]),
            Entry(name: "ResyncMFADevice", readOnly: false, handler: { try await resyncMFADevice($0) }, optionalMembers: ["UserName"]),
            Entry(name: "DeactivateMFADevice", readOnly: false, handler: Self.deactivateMFADevice, optionalMembers: ["UserName"]),
            Entry(name: "DeleteVirtualMFADevice", readOnly: false, handler: Self.deleteVirtualMFADevice),
            Entry(name: "ListMFADevices", readOnly: true, handler: { try listMFADevices($0) }),
            Entry(name: "ListVirtualMFADevices", readOnly: true, handler: { try listVirtualMFADevices($0) }),
            Entry(name: "GetMFADevice", readOnly: true, handler: { try getMFADevice($0) }),
            Entry(name: "TagMFADevice", readOnly: false, handler: Self.tagMFADevice),
            Entry(name: "UntagMFADevice", readOnly: false, handler: Self.untagMFADevice),
            Entry(name: "ListMFADeviceTags", readOnly: true, handler: { try listMFADeviceTags($0) }),
        ]
    }

    /// Whose MFA devices a call means: the named IAM user (never the root user, whatever the name), else the caller
    /// (root included: Gatehouse lets root script its own MFA, which AWS allows only in the console).
    static func mfaOwner(_ call: OperationCall) throws -> String {
        if let name = string(call, "UserName") { return name }
        let caller = try call.requireCaller()
        guard let owner = VirtualMFADevice.owner(of: caller.principal) else { throw userNameRequired() }
        return owner
    }

    static func deviceName(fromSerial serial: String, accountId: String) throws -> String {
        if Directory.isHardwareSerial(serial) { return serial }
        guard serial.hasPrefix("arn:aws:iam::\(accountId):mfa/") || serial.hasPrefix("arn:aws:iam::\(accountId):u2f/"),
            let name = serial.split(separator: "/").last
        else {
            throw noSuchEntity("MFA device with serial number \(serial) does not exist.")
        }
        return String(name)
    }

    static func existingDevice(_ serial: String, _ tx: DocumentTransaction) async throws -> VirtualMFADevice {
        let name = try deviceName(fromSerial: serial, accountId: tx.accountId)
        guard let device = try await tx.get(VirtualMFADevice.self, .mfaDevice, name), device.serialNumber == serial else {
            throw noSuchEntity("MFA device with serial number \(serial) does not exist.")
        }
        return device
    }

    func createVirtualMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let name = try Self.required(call, "VirtualMFADeviceName")
        let path = Self.string(call, "Path") ?? "/"
        if try await tx.get(VirtualMFADevice.self, .mfaDevice, name) != nil {
            throw Self.alreadyExists("MFADevice entity at the same path and name already exists.")
        }
        let seed = TOTP.randomSeed()
        let serial = Self.arn(tx.accountId, "mfa", path: path, name: name)
        let device = VirtualMFADevice(
            serialNumber: serial, name: name, path: path,
            sealedSeed: Base64.encode(try directory.instanceKey.seal(Base64.encode(seed), context: serial)), tags: try Self.inputTags(call))
        try await tx.put(device, .mfaDevice, name)
        let secret = TOTP.base32(seed)
        let accountName = directory.iam(tx.accountId).settings.alias ?? tx.accountId
        let uri = TOTP.provisioningURI(label: "\(name)@\(accountName)", secret: secret)
        var output: [String: AWSValue] = [
            "SerialNumber": .string(serial), "Base32StringSeed": .blob(Array(secret.utf8)),
            "QRCodePNG": .blob(try QRCode(encoding: uri).png(scale: 4)),
        ]
        if !device.tags.isEmpty { output["Tags"] = Self.tags(device.tags) }
        return ["VirtualMFADevice": .object(output)]
    }

    /// The step of the second of two consecutive codes, if they are (never a step already used).
    func consecutiveStep(_ device: VirtualMFADevice, _ call: OperationCall) throws -> Int64 {
        if device.securityKey != nil { throw Self.model.error("InvalidInputException", "A security key has no codes to check.") }
        let first = try Self.required(call, "AuthenticationCode1")
        let second = try Self.required(call, "AuthenticationCode2")
        let generator = try directory.totp(for: device)
        let now = TOTP.step(at: call.time)
        for step in (now - 2)...now where step > device.lastStep {
            if TOTP.constantTimeEquals(generator.code(step: step), first), TOTP.constantTimeEquals(generator.code(step: step + 1), second) {
                return step + 1
            }
        }
        throw Self.model.error("InvalidAuthenticationCodeException", "Authentication code for device is not valid.")
    }

    func enableMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let owner = try Self.mfaOwner(call)
        let ownerName = owner == VirtualMFADevice.rootOwner ? owner : try await Self.existingUser(owner, tx).name
        let serial = try Self.required(call, "SerialNumber")
        if try await directory.iamWriteView(tx).mfaDevices(of: ownerName).count >= 8 {
            throw Self.limitExceeded("Cannot exceed quota for MFADevicesPerUser: 8")
        }
        var device: VirtualMFADevice
        // A hardware token's device is named by its serial number.
        if Directory.isHardwareSerial(serial), try await tx.get(VirtualMFADevice.self, .mfaDevice, serial)?.serialNumber != serial {
            // A hardware token the operator registered: it becomes this account's device.
            guard let claimed = try await directory.claimHardwareToken(serial, owner: ownerName, tx: tx) else {
                throw Self.noSuchEntity("MFA device with serial number \(serial) does not exist.")
            }
            device = claimed
        } else {
            device = try await Self.existingDevice(serial, tx)
        }
        if device.userName != nil {
            throw Self.model.error("EntityAlreadyExistsException", "MFA Device is already in use.")
        }
        device.lastStep = try consecutiveStep(device, call)
        device.userName = ownerName
        device.enabled = call.time
        try await tx.put(device, .mfaDevice, device.name)
        return .empty
    }

    func resyncMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let owner = try Self.mfaOwner(call)
        var device = try await Self.existingDevice(try Self.required(call, "SerialNumber"), tx)
        guard device.userName?.lowercased() == owner.lowercased() else {
            throw Self.noSuchEntity("MFA device with serial number \(device.serialNumber) is not assigned to \(VirtualMFADevice.displayName(of: owner)).")
        }
        device.lastStep = try consecutiveStep(device, call)
        try await tx.put(device, .mfaDevice, device.name)
        return .empty
    }

    static func deactivateMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let owner = try mfaOwner(call)
        var device = try await existingDevice(try required(call, "SerialNumber"), tx)
        guard device.userName?.lowercased() == owner.lowercased() else {
            throw noSuchEntity("MFA device with serial number \(device.serialNumber) is not assigned to \(VirtualMFADevice.displayName(of: owner)).")
        }
        if device.securityKey != nil || Directory.isHardwareSerial(device.serialNumber) {
            // A security key or hardware token belongs to the account only while assigned: deactivating it removes it, as on AWS.
            try await tx.delete(.mfaDevice, device.name)
            if device.securityKey == nil { try await Directory.releaseHardwareToken(device.serialNumber, session: try call.requireSession()) }
            return .empty
        }
        device.userName = nil
        device.enabled = nil
        try await tx.put(device, .mfaDevice, device.name)
        return .empty
    }

    static func deleteVirtualMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let device = try await existingDevice(try required(call, "SerialNumber"), tx)
        if device.securityKey != nil || Directory.isHardwareSerial(device.serialNumber) { throw noSuchEntity("VirtualMFADevice with serial number \(device.serialNumber) does not exist.") }
        if device.userName != nil { throw deleteConflict("MFA device is still in use. Deactivate it before deleting it.") }
        try await tx.delete(.mfaDevice, device.name)
        return .empty
    }

    func listMFADevices(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let owner = try Self.mfaOwner(call)
        if owner != VirtualMFADevice.rootOwner { _ = try Self.snapshotUser(owner, iam) }
        let devices = iam.mfaDevices(of: owner).sorted { $0.serialNumber < $1.serialNumber }
        let values: [AWSValue] = devices.map { device in
            ["UserName": .string(device.ownerName ?? ""), "SerialNumber": .string(device.serialNumber), "EnableDate": .timestamp(device.enabled ?? call.time)]
        }
        return Self.listOutput("MFADevices", values, marker: nil)
    }

    func listVirtualMFADevices(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let iam = directory.iam(accountId)
        let status = Self.string(call, "AssignmentStatus") ?? "Any"
        let devices = iam.mfaDevices.values.filter { device in
            switch status {
            case _ where device.securityKey != nil || Directory.isHardwareSerial(device.serialNumber): false
            case "Assigned": device.userName != nil
            case "Unassigned": device.userName == nil
            default: true
            }
        }.sorted { $0.serialNumber < $1.serialNumber }
        let (page, marker) = try Self.page(devices, call: call) { $0.serialNumber }
        let values: [AWSValue] = page.map { device in
            var value: [String: AWSValue] = ["SerialNumber": .string(device.serialNumber)]
            if let owner = device.userName {
                if owner == VirtualMFADevice.rootOwner {
                    value["User"] = ["UserId": .string(accountId), "Arn": .string("arn:aws:iam::\(accountId):root"), "CreateDate": .timestamp(directory.account(id: accountId)?.created ?? call.time)]
                } else if let user = iam.user(owner) {
                    value["User"] = Self.userOutput(user, tags: false)
                }
            }
            if let enabled = device.enabled { value["EnableDate"] = .timestamp(enabled) }
            if !device.tags.isEmpty { value["Tags"] = Self.tags(device.tags) }
            return .object(value)
        }
        return Self.listOutput("VirtualMFADevices", values, marker: marker)
    }

    static func tagMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var device = try await existingDevice(try required(call, "SerialNumber"), tx)
        device.tags = try inputTags(call, merging: device.tags)
        try await tx.put(device, .mfaDevice, device.name)
        return .empty
    }

    static func untagMFADevice(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var device = try await existingDevice(try required(call, "SerialNumber"), tx)
        let keys = Set((call.input["TagKeys"]?.list ?? []).compactMap { $0.string?.lowercased() })
        device.tags.removeAll { keys.contains($0.key.lowercased()) }
        try await tx.put(device, .mfaDevice, device.name)
        return .empty
    }

    func listMFADeviceTags(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let serial = try Self.required(call, "SerialNumber")
        let name = try Self.deviceName(fromSerial: serial, accountId: accountId)
        guard let device = directory.iam(accountId).mfaDevices[name.lowercased()], device.serialNumber == serial else {
            throw Self.noSuchEntity("MFA device with serial number \(serial) does not exist.")
        }
        return ["Tags": Self.tags(device.tags), "IsTruncated": .boolean(false)]
    }

    func getMFADevice(_ call: OperationCall) throws -> AWSValue {
        let accountId = try Self.account(call)
        let serial = try Self.required(call, "SerialNumber")
        let name = try Self.deviceName(fromSerial: serial, accountId: accountId)
        guard let device = directory.iam(accountId).mfaDevices[name.lowercased()], device.serialNumber == serial, let owner = device.ownerName else {
            throw Self.noSuchEntity("MFA device with serial number \(serial) does not exist.")
        }
        var value: [String: AWSValue] = ["UserName": .string(owner), "SerialNumber": .string(serial)]
        if let enabled = device.enabled { value["EnableDate"] = .timestamp(enabled) }
        return .object(value)
    }
}
