import { Module } from '@nestjs/common';
import { CredentialsCipher } from './credentials-cipher.js';

@Module({
  providers: [CredentialsCipher],
  exports: [CredentialsCipher],
})
export class ChannelsModule {}
