// Column names and types of the tables backends/mappings/kql.yaml uses, from Microsoft's table
// references (https://learn.microsoft.com/azure/azure-monitor/reference/tables/ and
// https://learn.microsoft.com/defender-xdr/advanced-hunting-schema-tables). Columns that refract
// never emits may be left out; a column it emits must be here with its real type.
'use strict';

const s = (names) => names.split(/\s+/).filter(Boolean).map((n) => `${n}:string`);
const typed = (pairs) => pairs.split(/\s+/).filter(Boolean);

const initiating = s(`InitiatingProcessAccountDomain InitiatingProcessAccountName
  InitiatingProcessAccountSid InitiatingProcessAccountUpn InitiatingProcessAccountObjectId
  InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation InitiatingProcessSHA1
  InitiatingProcessSHA256 InitiatingProcessMD5 InitiatingProcessFileName
  InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName
  InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName
  InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription
  InitiatingProcessCommandLine InitiatingProcessFolderPath InitiatingProcessParentFileName
  InitiatingProcessSignerType InitiatingProcessSignatureStatus`).concat(typed(`
  InitiatingProcessFileSize:long InitiatingProcessId:long InitiatingProcessLogonId:long
  InitiatingProcessCreationTime:datetime InitiatingProcessParentId:long
  InitiatingProcessParentCreationTime:datetime`));
const device = typed('Timestamp:datetime TimeGenerated:datetime ReportId:long AdditionalFields:dynamic')
  .concat(s('DeviceId DeviceName ActionType Type TenantId SourceSystem MachineGroup'));

const signin = typed(`TimeGenerated:datetime DurationMs:long CreatedDateTime:datetime
  IsInteractive:bool IsRisky:bool FlaggedForReview:bool`).concat(s(`TenantId SourceSystem ResourceId
  OperationName OperationVersion Category ResultType ResultSignature ResultDescription CorrelationId
  Resource ResourceGroup ResourceProvider Identity Level Location AlternateSignInName AppDisplayName
  AppId AuthenticationContextClassReferences AuthenticationDetails AuthenticationMethodsUsed
  AuthenticationProcessingDetails AuthenticationRequirement AuthenticationRequirementPolicies
  ClientAppUsed ConditionalAccessStatus Id IPAddress NetworkLocationDetails OriginalRequestId
  ProcessingTimeInMilliseconds RiskDetail RiskEventTypes RiskEventTypes_V2 RiskLevelAggregated
  RiskLevelDuringSignIn RiskState ResourceDisplayName ResourceIdentity ServicePrincipalId
  ServicePrincipalName TokenIssuerName TokenIssuerType UserAgent UserDisplayName UserId
  UserPrincipalName AADTenantId UserType IPAddressFromResourceProvider SignInIdentifier
  SignInIdentifierType ResourceTenantId HomeTenantId UniqueTokenIdentifier SessionLifetimePolicies
  AutonomousSystemNumber AuthenticationProtocol CrossTenantAccessType Type`))
  // SessionId: the sign-in session, a newer column than the 2024-02 table reference lists
  // (Microsoft's AiTM hunting queries join on it).
  .concat(s('SessionId'));

module.exports = {
  SigninLogs: signin.concat(typed(`ConditionalAccessPolicies:dynamic DeviceDetail:dynamic
    LocationDetails:dynamic MfaDetail:dynamic Status:dynamic AppliedEventListeners:dynamic`)),
  AADNonInteractiveUserSignInLogs: signin.concat(s(`ConditionalAccessPolicies DeviceDetail
    LocationDetails MfaDetail Status`)),
  AADServicePrincipalSignInLogs: signin.concat(s('LocationDetails Status')),
  AuditLogs: typed(`TimeGenerated:datetime DurationMs:long ActivityDateTime:datetime
    AdditionalDetails:dynamic InitiatedBy:dynamic TargetResources:dynamic`).concat(s(`TenantId
    SourceSystem ResourceId OperationName OperationVersion Category ResultType ResultSignature
    ResultDescription CorrelationId Resource ResourceGroup ResourceProvider Identity Level Location
    Id LoggedByService Result ResultReason AADTenantId ActivityDisplayName AADOperationType Type`)),
  AADUserRiskEvents: typed(`TimeGenerated:datetime ActivityDateTime:datetime
    DetectedDateTime:datetime LastUpdatedDateTime:datetime AdditionalInfo:dynamic
    Location:dynamic`).concat(s(`Activity CorrelationId DetectionTimingType Id IpAddress RequestId
    RiskDetail RiskEventType RiskLevel RiskState Source TokenIssuerType UserDisplayName UserId
    UserPrincipalName Type`)),
  AzureActivity: typed(`TimeGenerated:datetime EventSubmissionTimestamp:datetime
    Authorization_d:dynamic Claims_d:dynamic Properties_d:dynamic`).concat(s(`OperationName
    OperationNameValue Level ActivityStatus ActivityStatusValue ActivitySubstatus
    ActivitySubstatusValue ResourceGroup SubscriptionId CategoryValue Caller CallerIpAddress
    CorrelationId ResourceId _ResourceId ResourceProviderValue Properties Authorization Claims
    HTTPRequest Hierarchy TenantId Type`)),
  OfficeActivity: typed(`TimeGenerated:datetime ElevationTime:datetime`).concat(s(`Operation
    OrganizationId RecordType ResultStatus UserKey UserType Version OfficeWorkload UserId ClientIP
    Client_IPAddress ClientInfoString ExternalAccess OriginatingServer OrganizationName Parameters
    MailboxGuid MailboxOwnerUPN MailboxOwnerSid Item Folders SourceFileName SourceRelativeUrl
    Site_Url OfficeObjectId OfficeId ModifiedObjectResolvedName TargetUserOrGroupName
    TargetUserOrGroupType Members LogonUserSid LogonType SourceFileExtension OfficeTenantId Type`)),
  SecurityAlert: typed('TimeGenerated:datetime StartTime:datetime EndTime:datetime').concat(s(`
    AlertName AlertSeverity Description ProviderName VendorName VendorOriginalId SystemAlertId
    ResourceId SourceComputerId AlertType ConfidenceLevel ConfidenceScore IsIncident
    ProcessingEndTime RemediationSteps ExtendedProperties Entities SourceSystem WorkspaceSubscriptionId
    WorkspaceResourceGroup ExtendedLinks ProductName ProductComponentName AlertLink Status
    CompromisedEntity Tactics Techniques SubTechniques DisplayName Type`)),
  SecurityEvent: typed(`TimeGenerated:datetime TimeCollected:datetime EventID:int Task:int
    LogonType:int KeyLength:int`).concat(s(`Account AccountType Computer EventSourceName Channel
    Level EventData Activity SourceComputerId EventOriginId MG ManagementGroupName AccessMask
    AccountDomain AccountName AccountSessionIdentifier AuthenticationPackageName CallerProcessId
    CallerProcessName CommandLine Disabled ElevatedToken FailureReason FileHash HandleId
    HomeDirectory ImpersonationLevel IpAddress IpPort LmPackageName LogonGuid LogonID
    LogonProcessName LogonTypeName MandatoryLabel MemberName MemberSid NewProcessId NewProcessName
    ObjectName ObjectServer ObjectType OperationType ParentProcessName PrivilegeList Process
    ProcessId ProcessName Properties ServiceName ServiceFileName ServiceStartType ServiceType
    SubjectAccount SubjectDomainName SubjectLogonId SubjectUserName SubjectUserSid SubStatus Status
    TargetAccount TargetDomainName TargetLogonId TargetUserName TargetUserSid TargetSid
    TokenElevationType WorkstationName TargetServerName ShareName RelativeTargetName
    TicketEncryptionType TicketOptions ServiceSid SourceSystem TenantId Type`)),
  Event: typed('TimeGenerated:datetime EventLevel:int EventID:int EventCategory:int').concat(s(`
    Source EventLog Computer EventLevelName ParameterXml EventData RenderedDescription
    AzureDeploymentID Role UserName Message MG ManagementGroupName SourceSystem TenantId Type`)),
  DeviceProcessEvents: device.concat(initiating, typed(`FileSize:long ProcessId:long
    ProcessCreationTime:datetime LogonId:long`), s(`FileName FolderPath SHA1 SHA256 MD5
    ProcessVersionInfoCompanyName ProcessVersionInfoProductName ProcessVersionInfoProductVersion
    ProcessVersionInfoInternalFileName ProcessVersionInfoOriginalFileName
    ProcessVersionInfoFileDescription ProcessCommandLine ProcessIntegrityLevel ProcessTokenElevation
    AccountDomain AccountName AccountSid AccountUpn AccountObjectId AppGuardContainerId`)),
  DeviceFileEvents: device.concat(initiating, typed('FileSize:long RequestSourcePort:int'),
    s(`FileName FolderPath SHA1 SHA256 MD5 FileOriginUrl FileOriginReferrerUrl FileOriginIP
    PreviousFolderPath PreviousFileName RequestProtocol RequestSourceIP RequestAccountName
    RequestAccountDomain RequestAccountSid ShareName SensitivityLabel SensitivitySubLabel
    IsAzureInfoProtectionApplied`)),
  DeviceRegistryEvents: device.concat(initiating, s(`RegistryKey RegistryValueType
    RegistryValueName RegistryValueData PreviousRegistryKey PreviousRegistryValueName
    PreviousRegistryValueData AppGuardContainerId`)),
  DeviceNetworkEvents: device.concat(initiating, typed('RemotePort:int LocalPort:int'),
    s('RemoteIP RemoteUrl LocalIP Protocol LocalIPType RemoteIPType AppGuardContainerId')),
  DeviceImageLoadEvents: device.concat(initiating, typed('FileSize:long'),
    s('FileName FolderPath SHA1 SHA256 MD5 AppGuardContainerId')),
  Syslog: typed('TimeGenerated:datetime EventTime:datetime ProcessID:int').concat(s(`Computer
    HostName HostIP Facility SeverityLevel SyslogMessage ProcessName CollectorHostName SourceSystem
    MG TenantId Type`)),
  AWSCloudTrail: typed(`TimeGenerated:datetime ReadOnly:bool ManagementEvent:bool
    SessionMfaAuthenticated:bool SessionCreationDate:datetime`).concat(s(`EventName EventSource
    EventTypeName EventVersion AwsEventId AwsRequestId ErrorCode ErrorMessage SourceIpAddress
    UserAgent UserIdentityType UserIdentityArn UserIdentityAccountId UserIdentityUserName
    UserIdentityPrincipalid UserIdentityAccessKeyId AWSRegion RequestParameters ResponseElements
    Resources RecipientAccountId AdditionalEventData SessionIssuerType SessionIssuerUserName
    SessionIssuerArn SessionIssuerAccountId SessionIssuerPrincipalId APIVersion Category
    OperationName Type`)),
  GCPAuditLogs: typed('TimeGenerated:datetime Timestamp:datetime').concat(s(`AuthenticationInfo
    AuthorizationInfo GCPResourceName GCPResourceType InsertId LogName MethodName PrincipalEmail
    ProjectId Request RequestMetadata ResourceLocation ResourceOriginalState Response ServiceData
    ServiceName Severity Status StatusMessage SubscriptionId Type`)),
  Okta_CL: typed('TimeGenerated:datetime').concat(s(`eventType_s displayMessage_s outcome_result_s
    actor_alternateId_s client_ipAddress_s Type`)),
  W3CIISLog: typed('TimeGenerated:datetime sPort:int TimeTaken:long scBytes:long csBytes:long')
    .concat(s(`csMethod csUriStem csUriQuery csUserName csUserAgent csReferer csHost csCookie
    csVersion scStatus scSubStatus scWin32Status cIP sIP sSiteName sComputerName Computer
    SourceSystem Type`)),
  CommonSecurityLog: typed(`TimeGenerated:datetime SourcePort:int DestinationPort:int
    ReceivedBytes:long SentBytes:long`).concat(s(`DeviceVendor DeviceProduct DeviceVersion
    DeviceEventClassID Activity LogSeverity SourceIP DestinationIP RequestURL
    RequestClientApplication RequestMethod RequestContext DestinationHostName SourceHostName
    SourceUserName DestinationUserName DeviceAction Protocol ApplicationProtocol Message
    AdditionalExtensions DeviceCustomString1 DeviceCustomString2 FileName FileHash Type`)),
};
