import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { credentialProblems, isPlatform } from '../channel-credentials.js';

/**
 * Checks a `credentials` object against the `platform` property of the same DTO. An unknown platform is left
 * to the platform's own rule; every problem of the credentials is listed in the message.
 */
export function IsCredentialsForPlatform(options?: ValidationOptions) {
  return (target: object, propertyName: string): void => {
    registerDecorator({
      name: 'isCredentialsForPlatform',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const platform = (args.object as { platform?: unknown }).platform;
          return !isPlatform(platform) || credentialProblems(platform, value).length === 0;
        },
        defaultMessage(args: ValidationArguments): string {
          const platform = (args.object as { platform?: unknown }).platform;
          return isPlatform(platform)
            ? credentialProblems(platform, args.value).join('; ')
            : 'credentials are not valid';
        },
      },
    });
  };
}
