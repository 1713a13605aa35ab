import AccessPolicy
import Directory
import Testing

/// AWS's managed policies as generated from AWS's data: all of them, on their own paths, each one a policy the
/// engine reads (AWS's documents are valid by definition, so a refusal is a parser bug).
struct AWSManagedPoliciesTests {
    @Test func theCatalogueIsAWSs() throws {
        #expect(AWSManagedPolicies.all.count >= 1_400)
        for name in ["AdministratorAccess", "ReadOnlyAccess", "SecurityAudit", "PowerUserAccess", "AWSSupportAccess", "AWSCloudShellFullAccess"] {
            #expect(AWSManagedPolicies.byArn["arn:aws:iam::aws:policy/\(name)"] != nil, "\(name)")
        }
        #expect(AWSManagedPolicies.byArn["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]?.path == "/job-function/")
        #expect(AWSManagedPolicies.all.contains { $0.path == "/service-role/" })
        #expect(AWSManagedPolicies.all.map(\.name) == AWSManagedPolicies.all.map(\.name).sorted())
        let admin = try #require(AWSManagedPolicies.byArn["arn:aws:iam::aws:policy/AdministratorAccess"])
        #expect(admin.defaultVersionId == "v1")
        #expect(admin.defaultDocument.contains(#""Action":"*""#))
    }

    @Test func everyDocumentCompiles() {
        var refused: [String] = []
        for policy in AWSManagedPolicies.all {
            do {
                _ = try CompiledPolicy(id: policy.arn, text: policy.defaultDocument)
            } catch {
                refused.append("\(policy.name): \(error)")
            }
        }
        #expect(refused.isEmpty, "\(refused.count) refused: \(refused.prefix(10))")
    }
}
