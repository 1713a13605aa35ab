/// What a user gives to sign in to the access portal: user name and password, a new password in
/// place of a one-time password, and a code from an authenticator app when MFA is asked for; and,
/// for the audit trail, where the attempt came from.
public struct PortalCredentials: Sendable {
    public var userName: String
    public var password: String
    public var newPassword: String?
    public var mfaCode: String?
    /// An authenticator app registered in this sign-in, for a user the instance makes register one.
    public var registration: PortalMFARegistration?
    public var sourceIPAddress: String
    public var userAgent: String

    public init(
        userName: String, password: String, newPassword: String? = nil, mfaCode: String? = nil, sourceIPAddress: String = "127.0.0.1",
        userAgent: String = "gatehouse"
    ) {
        self.userName = userName
        self.password = password
        self.newPassword = newPassword
        self.mfaCode = mfaCode
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
    }
}

/// An authenticator app a user registers while signing in: the seed the page showed, and two consecutive codes from it.
public struct PortalMFARegistration: Sendable {
    public var deviceName: String
    public var seed: [UInt8]
    public var codes: (String, String)

    public init(deviceName: String, seed: [UInt8], codes: (String, String)) {
        self.deviceName = deviceName
        self.seed = seed
        self.codes = codes
    }
}
