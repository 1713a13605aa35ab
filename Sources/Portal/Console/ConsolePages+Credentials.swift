import AWSWire
import Directory
import Foundation
import Hummingbird
import QRCode

extension ConsolePages {
    static let credentialsPath = prefix + "/security-credentials"

    func registerCredentials<Context: PortalRequestContext>(on router: Router<Context>) {
        router.get(RouterPath(Self.credentialsPath)) { request, context in
            await self.signedIn(request, context) { visit in await self.credentials(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/mfa")) { request, context in
            await self.signedIn(request, context) { visit in await self.startMFA(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/mfa/enable")) { request, context in
            await self.signedIn(request, context) { visit in await self.enableMFA(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/hardware-token")) { request, context in
            await self.signedIn(request, context) { visit in await self.assignHardwareToken(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/mfa/rename")) { request, context in
            await self.signedIn(request, context) { visit in await self.renameMFA(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/mfa/remove")) { request, context in
            await self.signedIn(request, context) { visit in await self.removeMFA(visit) }
        }
        router.post(RouterPath(Self.credentialsPath + "/access-keys")) { request, context in
            await self.signedIn(request, context) { visit in await self.accessKeyAction(visit) }
        }
        router.get(RouterPath(Self.prefix + "/password")) { request, context in
            await self.signedIn(request, context, allowWhilePasswordExpired: true) { visit in self.passwordForm(visit) }
        }
        router.post(RouterPath(Self.prefix + "/password")) { request, context in
            await self.signedIn(request, context, allowWhilePasswordExpired: true) { visit in await self.changePassword(visit) }
        }
    }

    /// The visitor's own `UserName` for IAM calls: none for root (the call then means the caller).
    func own(_ visit: Visit, _ input: [String: AWSValue] = [:]) -> AWSValue {
        var input = input
        if !visit.isRoot { input["UserName"] = .string(visit.principal.username) }
        return .object(input)
    }

    /// My security credentials: MFA devices, access keys and (for IAM users) the console password.
    func credentials(
        _ visit: Visit, notice: String? = nil, problem: Problem? = nil, newKey: NewAccessKey? = nil, status: HTTPResponse.Status = .ok
    ) async -> Response {
        var values = CredentialsPage(arn: visit.principal.arn, isRoot: visit.isRoot, notice: notice, problem: problem, newKey: newKey)
        switch await iam("ListMFADevices", own(visit), as: visit) {
        case .success(let output):
            for device in output["MFADevices"]?.list ?? [] {
                let serial = device["SerialNumber"]?.string ?? ""
                var name = serial.split(separator: "/").last.map(String.init) ?? serial
                // A device's name is its Name tag when it has one (set by Rename).
                if case .success(let tags) = await iam("ListMFADeviceTags", ["SerialNumber": .string(serial)], as: visit),
                    let tagged = tags["Tags"]?.list?.first(where: { $0["Key"]?.string == "Name" })?["Value"]?.string
                {
                    name = tagged
                }
                values.devices.append(MFADeviceRow(serialNumber: serial, name: name, enabled: device["EnableDate"]?.timestamp.map(Self.display) ?? ""))
            }
        case .failure(let error): values.problems.append(Problem(error))
        }
        switch await iam("ListAccessKeys", own(visit), as: visit) {
        case .success(let output):
            values.keys = (output["AccessKeyMetadata"]?.list ?? []).map {
                AccessKeyRow(
                    id: $0["AccessKeyId"]?.string ?? "", status: $0["Status"]?.string ?? "", created: $0["CreateDate"]?.timestamp.map(Self.display) ?? "",
                    active: $0["Status"]?.string == "Active")
            }
        case .failure(let error): values.problems.append(Problem(error))
        }
        values.canAddDevice = values.devices.count < 8
        values.canAddKey = values.keys.count < 2
        return page("console-credentials", values, visit: visit, status: status)
    }

    /// Step one of assigning an authenticator app: create the virtual device and show its QR code and secret.
    func startMFA(_ visit: Visit) async -> Response {
        let name = (visit.form["device_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let created: AWSValue
        switch await iam("CreateVirtualMFADevice", ["VirtualMFADeviceName": .string(name)], as: visit) {
        case .failure(let error): return await credentials(visit, problem: Problem(error), status: .badRequest)
        case .success(let output): created = output
        }
        guard let device = created["VirtualMFADevice"], let serial = device["SerialNumber"]?.string, case .blob(let seed)? = device["Base32StringSeed"] else {
            return await credentials(visit, problem: Problem(.internalFailure), status: .internalServerError)
        }
        sessions.update(visit.id) { $0.pendingMFA = PendingMFADevice(serialNumber: serial, deviceName: name) }
        let secret = String(decoding: seed, as: UTF8.self)
        let accountName = directory.iam(visit.principal.accountId).settings.alias ?? visit.principal.accountId
        let uri = TOTP.provisioningURI(label: "\(name)@\(accountName)", secret: secret)
        let qr = (try? QRCode(encoding: uri).svg(label: "QR code for the authenticator app")) ?? ""
        return page("console-mfa-setup", MFASetupPage(deviceName: name, serialNumber: serial, secret: secret, qr: qr, problem: nil), visit: visit)
    }

    /// Step two: two consecutive codes from the app assign the device to the visitor.
    func enableMFA(_ visit: Visit) async -> Response {
        guard let pending = visit.session.pendingMFA else {
            return await credentials(visit, problem: Problem(AWSError(code: "NoDevice", message: "Start assigning the device again.")), status: .badRequest)
        }
        let input = own(
            visit,
            [
                "SerialNumber": .string(pending.serialNumber), "AuthenticationCode1": .string(visit.form["code1"]?.trimmingCharacters(in: .whitespaces) ?? ""),
                "AuthenticationCode2": .string(visit.form["code2"]?.trimmingCharacters(in: .whitespaces) ?? ""),
            ])
        if case .failure(let error) = await iam("EnableMFADevice", input, as: visit) {
            return await credentials(visit, problem: Problem(error), status: .badRequest)
        }
        sessions.update(visit.id) { $0.pendingMFA = nil }
        return await credentials(visit, notice: "MFA device \(pending.deviceName) assigned. From now on, sign-in asks for a code from it.")
    }

    /// Assigns a hardware TOTP token the operator registered: its serial number and two consecutive codes.
    func assignHardwareToken(_ visit: Visit) async -> Response {
        let serial = (visit.form["serial"] ?? "").trimmingCharacters(in: .whitespaces)
        let input = own(
            visit,
            [
                "SerialNumber": .string(serial), "AuthenticationCode1": .string(visit.form["code1"]?.trimmingCharacters(in: .whitespaces) ?? ""),
                "AuthenticationCode2": .string(visit.form["code2"]?.trimmingCharacters(in: .whitespaces) ?? ""),
            ])
        if case .failure(let error) = await iam("EnableMFADevice", input, as: visit) {
            return await credentials(visit, problem: Problem(error), status: .badRequest)
        }
        return await credentials(visit, notice: "Hardware TOTP token \(serial) assigned. From now on, sign-in asks for a code from it.")
    }

    /// Renames a device: its `Name` tag (TagMFADevice), which the page shows in place of the serial number's last part.
    func renameMFA(_ visit: Visit) async -> Response {
        let name = (visit.form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let input: AWSValue = ["SerialNumber": .string(visit.form["serial"] ?? ""), "Tags": .list([["Key": "Name", "Value": .string(name)]])]
        if case .failure(let error) = await iam("TagMFADevice", input, as: visit) {
            return await credentials(visit, problem: Problem(error), status: .badRequest)
        }
        return await credentials(visit, notice: "Device renamed to \(name).")
    }

    /// Removes a device: deactivate it, then (for an authenticator app) delete the virtual device.
    func removeMFA(_ visit: Visit) async -> Response {
        let serial = visit.form["serial"] ?? ""
        if case .failure(let error) = await iam("DeactivateMFADevice", own(visit, ["SerialNumber": .string(serial)]), as: visit) {
            return await credentials(visit, problem: Problem(error), status: .badRequest)
        }
        // Deactivating a security key or hardware token removes it; a virtual device is deleted separately.
        if serial.contains(":u2f/") { return await credentials(visit, notice: "Security key removed.") }
        if !serial.hasPrefix("arn:") { return await credentials(visit, notice: "Hardware TOTP token removed.") }
        if case .failure(let error) = await iam("DeleteVirtualMFADevice", ["SerialNumber": .string(serial)], as: visit) {
            return await credentials(visit, problem: Problem(error), status: .badRequest)
        }
        return await credentials(visit, notice: "MFA device removed.")
    }

    /// Creates, deactivates, activates or deletes one of the visitor's access keys.
    func accessKeyAction(_ visit: Visit) async -> Response {
        let keyId = AWSValue.string(visit.form["key"] ?? "")
        switch visit.form["action"] {
        case "create":
            switch await iam("CreateAccessKey", own(visit), as: visit) {
            case .failure(let error): return await credentials(visit, problem: Problem(error), status: .badRequest)
            case .success(let output):
                let key = output["AccessKey"]
                let id = key?["AccessKeyId"]?.string ?? ""
                let secret = key?["SecretAccessKey"]?.string ?? ""
                offer("\(id)_accessKeys.csv", Self.csvRow(["Access key ID", "Secret access key"]) + Self.csvRow([id, secret], secrets: [1]), to: visit)
                return await credentials(
                    visit, notice: "Access key created. This is the only time the secret access key is shown: copy it or download the CSV now.",
                    newKey: NewAccessKey(id: id, secret: secret))
            }
        case "deactivate", "activate":
            let status = visit.form["action"] == "activate" ? "Active" : "Inactive"
            if case .failure(let error) = await iam("UpdateAccessKey", own(visit, ["AccessKeyId": keyId, "Status": .string(status)]), as: visit) {
                return await credentials(visit, problem: Problem(error), status: .badRequest)
            }
            return await credentials(visit, notice: "Access key \(keyId.string ?? "") is now \(status.lowercased()).")
        case "delete":
            if case .failure(let error) = await iam("DeleteAccessKey", own(visit, ["AccessKeyId": keyId]), as: visit) {
                return await credentials(visit, problem: Problem(error), status: .badRequest)
            }
            return await credentials(visit, notice: "Access key \(keyId.string ?? "") deleted.")
        default:
            return await credentials(visit, problem: Problem(AWSError(code: "InvalidAction", message: "Unknown action.")), status: .badRequest)
        }
    }

    func passwordForm(_ visit: Visit, problem: Problem? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let policy = directory.iam(visit.principal.accountId).passwordPolicy
        let values = PasswordPage(
            required: visit.session.mustChangePassword, isRoot: visit.isRoot, problem: problem,
            rules: policy.map(Self.describe) ?? "At least 6 characters.")
        return page("console-password", values, visit: visit, status: status)
    }

    /// ChangePassword as the visitor; a forced change lets the session go on once it succeeds.
    func changePassword(_ visit: Visit) async -> Response {
        guard visit.form["new_password"] == visit.form["confirm_password"] else {
            return passwordForm(visit, problem: Problem(AWSError(code: "PasswordMismatch", message: "The new passwords do not match.")), status: .badRequest)
        }
        let input: AWSValue = ["OldPassword": .string(visit.form["old_password"] ?? ""), "NewPassword": .string(visit.form["new_password"] ?? "")]
        if case .failure(let error) = await iam("ChangePassword", input, as: visit) {
            return passwordForm(visit, problem: Problem(error), status: .badRequest)
        }
        sessions.update(visit.id) { $0.mustChangePassword = false }
        // Whoever else was signed in with the old password is signed out.
        sessions.endOthers(of: visit.principal, keeping: visit.id)
        return await credentials(visit, notice: "Your password has been changed.")
    }

    /// The password policy's rules in a sentence.
    static func describe(_ policy: PasswordPolicy) -> String {
        var rules = ["At least \(policy.minimumPasswordLength) characters"]
        if policy.requireUppercaseCharacters { rules.append("an upper case letter") }
        if policy.requireLowercaseCharacters { rules.append("a lower case letter") }
        if policy.requireNumbers { rules.append("a number") }
        if policy.requireSymbols { rules.append("a symbol") }
        if let reuse = policy.passwordReusePrevention { rules.append("not one of your last \(reuse) passwords") }
        return rules.joined(separator: ", ") + "."
    }

    static func display(_ date: Date) -> String {
        Timestamp.iso8601(date)
    }
}

/// What the security credentials page shows.
struct CredentialsPage {
    var arn: String
    var isRoot: Bool
    var notice: String?
    var problem: Problem?
    var newKey: NewAccessKey?
    var devices: [MFADeviceRow] = []
    var keys: [AccessKeyRow] = []
    var problems: [Problem] = []
    var canAddDevice = true
    var canAddKey = true
}

struct MFADeviceRow {
    var serialNumber: String
    var name: String
    var enabled: String
}

struct AccessKeyRow {
    var id: String
    var status: String
    var created: String
    var active: Bool
}

/// A key just created: its secret is on this one page, and in the CSV offered once beside it.
struct NewAccessKey {
    var id: String
    var secret: String
}

/// What the authenticator-app setup page shows.
struct MFASetupPage {
    var deviceName: String
    var serialNumber: String
    var secret: String
    /// Inline SVG made by the server from the `otpauth://` URI.
    var qr: String
    var problem: Problem?
}

/// What the password page shows.
struct PasswordPage {
    var required: Bool
    var isRoot: Bool
    var problem: Problem?
    var rules: String
}
