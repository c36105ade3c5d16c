import { ValidationPipe } from '@nestjs/common';

/** Unknown fields are 400, every problem is listed, query strings are converted to the DTO's types. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
  });
}
