package io.raybridge.pipeline;

/**
 * A component that brings data into the collector (from a socket, a file, a timer) and hands it to
 * the {@link TracesConsumer} it was created with. Receivers own their I/O threads and call the
 * consumer synchronously on them; a {@link ConsumerException} from the consumer is translated into
 * the protocol's answer (a retryable refusal or a permanent rejection) where the protocol has one,
 * and counted where it does not.
 */
public interface Receiver extends Component {}
