import AWSWire
import Foundation

extension IAMOperations {
    var loginProfileEntries: [Entry] {
        [
            Entry(name: "CreateLoginProfile", readOnly: false, handler: { try await createLoginProfile($0) }),
            Entry(name: "GetLoginProfile", readOnly: true, handler: { try getLoginProfile($0) }),
            Entry(name: "UpdateLoginProfile", readOnly: false, handler: { try await updateLoginProfile($0) }),
            Entry(name: "DeleteLoginProfile", readOnly: false, handler: Self.deleteLoginProfile),
            Entry(name: "ChangePassword", readOnly: false, handler: { try await changePassword($0) }),
            Entry(name: "GetAccountPasswordPolicy", readOnly: true, handler: { try getAccountPasswordPolicy($0) }),
            Entry(name: "UpdateAccountPasswordPolicy", readOnly: false, handler: Self.updateAccountPasswordPolicy),
            Entry(name: "DeleteAccountPasswordPolicy", readOnly: false, handler: Self.deleteAccountPasswordPolicy),
        ]
    }

    static func loginProfileOutput(_ profile: LoginProfile) -> AWSValue {
        [
            "UserName": .string(profile.userName), "CreateDate": .timestamp(profile.created),
            "PasswordResetRequired": .boolean(profile.passwordResetRequired),
        ]
    }

    /// Checks `password` against the account's password policy, or AWS's default policy when it has none:
    /// 8 to 128 characters with at least three of upper case, lower case, numbers and symbols.
    static func checkPassword(_ password: String, policy: PasswordPolicy?) throws {
        guard let policy else {
            let classes = [
                password.contains { $0.isASCII && $0.isUppercase }, password.contains { $0.isASCII && $0.isLowercase },
                password.contains { $0.isASCII && $0.isNumber }, password.contains { symbols.contains($0) },
            ].filter { $0 }.count
            if !(8...128).contains(password.count) || classes < 3 {
                throw model.error(
                    "PasswordPolicyViolationException",
                    "Password does not conform to the account password policy: at least 8 characters and three of upper case letters, lower case letters, numbers and symbols.")
            }
            return
        }
        var problems: [String] = []
        if password.count < policy.minimumPasswordLength {
            problems.append("Password should have a minimum length of \(policy.minimumPasswordLength)")
        }
        if policy.requireUppercaseCharacters, !password.contains(where: { $0.isASCII && $0.isUppercase }) {
            problems.append("Password should have at least one uppercase letter")
        }
        if policy.requireLowercaseCharacters, !password.contains(where: { $0.isASCII && $0.isLowercase }) {
            problems.append("Password should have at least one lowercase letter")
        }
        if policy.requireNumbers, !password.contains(where: { $0.isASCII && $0.isNumber }) {
            problems.append("Password should have at least one number")
        }
        if policy.requireSymbols, !password.contains(where: { symbols.contains($0) }) {
            problems.append("Password should have at least one symbol")
        }
        if !problems.isEmpty { throw model.error("PasswordPolicyViolationException", problems.joined(separator: "; ")) }
    }

    /// The symbols AWS's password rules count.
    static let symbols: Set<Character> = Set("!@#$%^&*()_+-=[]{}|'")

    /// Refuses a password among the last `PasswordReusePrevention` ones.
    func checkReuse(_ password: String, profile: LoginProfile, policy: PasswordPolicy?) async throws {
        guard let count = policy?.passwordReusePrevention, count > 0 else { return }
        for hash in ([profile.passwordHash] + profile.previousHashes).prefix(count) where await directory.passwords.verify(password, hash: hash) {
            throw Self.model.error("PasswordPolicyViolationException", "Password was used recently and cannot be reused; the password policy prevents reusing the last \(count) passwords.")
        }
    }

    func createLoginProfile(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let user = try await Self.existingUser(try Self.required(call, "UserName"), tx)
        if try await tx.get(LoginProfile.self, .loginProfile, user.name) != nil {
            throw Self.alreadyExists("Login Profile for user \(user.name) already exists.")
        }
        let password = try Self.required(call, "Password")
        try Self.checkPassword(password, policy: try await tx.get(PasswordPolicy.self, .passwordPolicy, "account"))
        let profile = LoginProfile(
            userName: user.name, created: call.time, passwordHash: await directory.passwords.hash(password),
            passwordResetRequired: call.input["PasswordResetRequired"]?.boolean ?? false, passwordChanged: call.time)
        try await tx.put(profile, .loginProfile, user.name)
        return ["LoginProfile": Self.loginProfileOutput(profile)]
    }

    func getLoginProfile(_ call: OperationCall) throws -> AWSValue {
        let caller = try call.requireCaller()
        let iam = directory.iam(caller.principal.accountId)
        let name = try Self.string(call, "UserName") ?? Self.callerUserName(caller.principal)
        let user = try Self.snapshotUser(name, iam)
        guard let profile = iam.loginProfiles[user.name.lowercased()] else {
            throw Self.noSuchEntity("Login Profile for User \(user.name) cannot be found.")
        }
        return ["LoginProfile": Self.loginProfileOutput(profile)]
    }

    func updateLoginProfile(_ call: OperationCall) async throws -> AWSValue {
        let tx = try Self.transaction(call)
        let user = try await Self.existingUser(try Self.required(call, "UserName"), tx)
        guard var profile = try await tx.get(LoginProfile.self, .loginProfile, user.name) else {
            throw Self.noSuchEntity("Login Profile for User \(user.name) cannot be found.")
        }
        if let password = Self.string(call, "Password") {
            let policy = try await tx.get(PasswordPolicy.self, .passwordPolicy, "account")
            try Self.checkPassword(password, policy: policy)
            try await checkReuse(password, profile: profile, policy: policy)
            profile.previousHashes = Array(([profile.passwordHash] + profile.previousHashes).prefix(24))
            profile.passwordHash = await directory.passwords.hash(password)
            profile.passwordChanged = call.time
        }
        if let reset = call.input["PasswordResetRequired"]?.boolean { profile.passwordResetRequired = reset }
        try await tx.put(profile, .loginProfile, user.name)
        return .empty
    }

    static func deleteLoginProfile(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        let user = try await existingUser(try required(call, "UserName"), tx)
        guard try await tx.get(LoginProfile.self, .loginProfile, user.name) != nil else {
            throw noSuchEntity("Login Profile for User \(user.name) cannot be found.")
        }
        try await tx.delete(.loginProfile, user.name)
        return .empty
    }

    /// ChangePassword: an IAM user changes their own password, proving the old one.
    func changePassword(_ call: OperationCall) async throws -> AWSValue {
        let caller = try call.requireCaller()
        guard caller.principal.kind == .user else {
            throw Self.model.error("InvalidUserTypeException", "Only IAM users can change their password with ChangePassword.")
        }
        let tx = try Self.transaction(call)
        guard var profile = try await tx.get(LoginProfile.self, .loginProfile, caller.principal.username) else {
            throw Self.noSuchEntity("Login Profile for User \(caller.principal.username) cannot be found.")
        }
        let policy = try await tx.get(PasswordPolicy.self, .passwordPolicy, "account")
        if let policy, !policy.allowUsersToChangePassword, !profile.passwordResetRequired {
            throw Self.model.error("InvalidInputException", "The password policy does not allow users to change their own password.")
        }
        // Guessing the old password here counts against the same budget as console sign-in.
        let throttleKey = Directory.consoleThrottleKey(accountId: tx.accountId, userName: caller.principal.username)
        do {
            try directory.signInThrottle.admit(throttleKey, now: call.time)
        } catch {
            throw Self.limitExceeded("Too many wrong passwords: try again later.")
        }
        guard await directory.passwords.verify(try Self.required(call, "OldPassword"), hash: profile.passwordHash) else {
            directory.signInThrottle.failed(throttleKey, now: call.time)
            throw Self.model.error("InvalidUserTypeException", "The old password is incorrect.")
        }
        directory.signInThrottle.release(throttleKey)
        let password = try Self.required(call, "NewPassword")
        try Self.checkPassword(password, policy: policy)
        try await checkReuse(password, profile: profile, policy: policy)
        profile.previousHashes = Array(([profile.passwordHash] + profile.previousHashes).prefix(24))
        profile.passwordHash = await directory.passwords.hash(password)
        profile.passwordChanged = call.time
        profile.passwordResetRequired = false
        try await tx.put(profile, .loginProfile, caller.principal.username)
        return .empty
    }

    func getAccountPasswordPolicy(_ call: OperationCall) throws -> AWSValue {
        guard let policy = directory.iam(try Self.account(call)).passwordPolicy else {
            throw Self.noSuchEntity("The Password Policy with domain name \(try Self.account(call)) cannot be found.")
        }
        var value: [String: AWSValue] = [
            "MinimumPasswordLength": .integer(Int64(policy.minimumPasswordLength)), "RequireSymbols": .boolean(policy.requireSymbols),
            "RequireNumbers": .boolean(policy.requireNumbers), "RequireUppercaseCharacters": .boolean(policy.requireUppercaseCharacters),
            "RequireLowercaseCharacters": .boolean(policy.requireLowercaseCharacters),
            "AllowUsersToChangePassword": .boolean(policy.allowUsersToChangePassword),
            "ExpirePasswords": .boolean((policy.maxPasswordAge ?? 0) > 0), "HardExpiry": .boolean(policy.hardExpiry),
        ]
        if let age = policy.maxPasswordAge { value["MaxPasswordAge"] = .integer(Int64(age)) }
        if let reuse = policy.passwordReusePrevention { value["PasswordReusePrevention"] = .integer(Int64(reuse)) }
        return ["PasswordPolicy": .object(value)]
    }

    static func updateAccountPasswordPolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        var policy = PasswordPolicy()
        let input = call.input
        if let length = input["MinimumPasswordLength"]?.integer { policy.minimumPasswordLength = Int(length) }
        policy.requireSymbols = input["RequireSymbols"]?.boolean ?? false
        policy.requireNumbers = input["RequireNumbers"]?.boolean ?? false
        policy.requireUppercaseCharacters = input["RequireUppercaseCharacters"]?.boolean ?? false
        policy.requireLowercaseCharacters = input["RequireLowercaseCharacters"]?.boolean ?? false
        policy.allowUsersToChangePassword = input["AllowUsersToChangePassword"]?.boolean ?? false
        policy.maxPasswordAge = input["MaxPasswordAge"]?.integer.map(Int.init)
        policy.passwordReusePrevention = input["PasswordReusePrevention"]?.integer.map(Int.init)
        policy.hardExpiry = input["HardExpiry"]?.boolean ?? false
        try await tx.put(policy, .passwordPolicy, "account")
        return .empty
    }

    static func deleteAccountPasswordPolicy(_ call: OperationCall) async throws -> AWSValue {
        let tx = try transaction(call)
        guard try await tx.get(PasswordPolicy.self, .passwordPolicy, "account") != nil else {
            throw noSuchEntity("The account policy with name PasswordPolicy cannot be found.")
        }
        try await tx.delete(.passwordPolicy, "account")
        return .empty
    }
}
