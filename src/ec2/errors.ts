// EC2 error codes and the messages AWS gives for them.
import { ApiError } from '../api/errors.js';

export const ec2Error = (code: string, message: string, status = 400) => new ApiError(code, message, status);

export const invalidParameterValue = (message: string) => ec2Error('InvalidParameterValue', message);
export const invalidParameter = (message: string) => ec2Error('InvalidParameter', message);
export const missingParameter = (name: string) =>
  ec2Error('MissingParameter', `The request must contain the parameter ${name}`);
export const dependencyViolation = (message: string) => ec2Error('DependencyViolation', message);

export const vpcNotFound = (id: string) => ec2Error('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
export const subnetNotFound = (id: string) =>
  ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
export const groupNotFound = (id: string) =>
  ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
export const endpointNotFound = (id: string) =>
  ec2Error('InvalidVpcEndpointId.NotFound', `The Vpc Endpoint Id '${id}' does not exist`);
export const networkInterfaceNotFound = (id: string) =>
  ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);
export const serviceNotFound = (name: string) =>
  ec2Error('InvalidServiceName', `The Vpc Endpoint Service '${name}' does not exist`);

/** A VPC or PrivateLink quota is reached (each has its own code). */
export const limitExceeded = (code: string, what: string, quota: number) =>
  ec2Error(code, `The maximum number of ${what} has been reached (quota: ${quota}).`);

export const dryRunOperation = () =>
  ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
