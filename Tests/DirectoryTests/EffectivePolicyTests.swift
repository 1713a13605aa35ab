import AWSWire
import Directory
import Testing

/// The effective policy of AWS's own inheritance examples (Organizations User Guide, "Inheritance examples" and
/// "Tag policy syntax"), each input as AWS gives it and each result as AWS shows it.
struct EffectivePolicyTests {
    static func merged(_ levels: [[String]]) throws -> String? {
        try EffectivePolicy.merge(levels.map { level in try level.map { try JSONReader.read(Array($0.utf8)) } }).map(EffectivePolicy.text)
    }

    static let rootA = #"{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@assign":["Development","Support"]}}}}"#

    @Test func assignReplacesTheInheritedValues() throws {
        let ouB =
            #"{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@assign":["Sandbox"]},"enforced_for":{"@@assign":["redshift:*","dynamodb:table"]}}}}"#
        #expect(
            try Self.merged([[Self.rootA], [ouB]])
                == #"{"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["Sandbox"],"enforced_for":["redshift:*","dynamodb:table"]}}}"#)
    }

    static let ouC =
        #"{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@append":["Marketing"]},"enforced_for":{"@@append":["redshift:*","dynamodb:table"]}}}}"#

    @Test func appendAddsToTheInheritedValues() throws {
        #expect(
            try Self.merged([[Self.rootA], [Self.ouC]])
                == #"{"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["Development","Support","Marketing"],"enforced_for":["redshift:*","dynamodb:table"]}}}"#)
    }

    @Test func removeTakesValuesOutAndAnEmptiedSettingIsGone() throws {
        let accountD =
            #"{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@remove":["Development","Marketing"]},"enforced_for":{"@@remove":["redshift:*","dynamodb:table"]}}}}"#
        #expect(try Self.merged([[Self.rootA], [Self.ouC], [accountD]]) == #"{"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["Support"]}}}"#)
    }

    @Test func aParentLimitsTheOperatorsBelowIt() throws {
        let rootE =
            #"{"tags":{"project":{"tag_key":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":"Project"},"tag_value":{"@@operators_allowed_for_child_policies":["@@append"],"@@assign":["Maintenance","Escalations"]}}}}"#
        let ouF = #"{"tags":{"project":{"tag_key":{"@@assign":"PROJECT"},"tag_value":{"@@append":["Escalations - research"]}}}}"#
        #expect(
            try Self.merged([[rootE], [ouF]])
                == #"{"tags":{"project":{"tag_key":"Project","tag_value":["Maintenance","Escalations","Escalations - research"]}}}"#)
        // An operator the parent does not allow is not applied, at the setting and anywhere under it.
        let ouAssign = #"{"tags":{"project":{"tag_value":{"@@assign":["Replaced"]}}}}"#
        #expect(try Self.merged([[rootE], [ouAssign]]) == #"{"tags":{"project":{"tag_key":"Project","tag_value":["Maintenance","Escalations"]}}}"#)
        let rootLocked = #"{"tags":{"@@operators_allowed_for_child_policies":["@@none"],"team":{"tag_key":{"@@assign":"Team"}}}}"#
        let ouDeeper = #"{"tags":{"team":{"tag_key":{"@@assign":"TEAM"}},"owner":{"tag_key":{"@@assign":"Owner"}}}}"#
        #expect(try Self.merged([[rootLocked], [ouDeeper]]) == #"{"tags":{"team":{"tag_key":"Team"}}}"#)
    }

    @Test func namesMatchWhateverTheirCaseAndKeepTheirFirstSpelling() throws {
        let root =
            #"{"tags":{"CostCenter":{"tag_key":{"@@assign":"CostCenter","@@operators_allowed_for_child_policies":["@@none"]}},"Project":{"tag_key":{"@@assign":"Project","@@operators_allowed_for_child_policies":["@@none"]}}}}"#
        let account = #"{"tags":{"costcenter":{"tag_value":{"@@assign":["Production","Test"]}},"PROJECT":{"tag_value":{"@@assign":["A","B"]}}}}"#
        #expect(
            try Self.merged([[root], [account]])
                == #"{"tags":{"CostCenter":{"tag_key":"CostCenter","tag_value":["Production","Test"]},"Project":{"tag_key":"Project","tag_value":["A","B"]}}}"#)
    }

    @Test func anAIServicesOptOutWithAnAccountsOptIn() throws {
        let root = #"{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}}}}"#
        let account = #"{"services":{"rekognition":{"opt_out_policy":{"@@assign":"optIn"}}}}"#
        #expect(
            try Self.merged([[root], [], [account]])
                == #"{"services":{"default":{"opt_out_policy":"optOut"},"rekognition":{"opt_out_policy":"optIn"}}}"#)
    }

    @Test func policiesWithoutSettingsHaveNoEffectivePolicy() throws {
        #expect(try Self.merged([[#"{}"#], [#"{"tags":{}}"#]]) == nil)
    }
}
