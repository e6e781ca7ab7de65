using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Parley.Server.Hosting;

/// <summary>
/// The memory Kestrel reads sockets into and writes responses from. Kestrel receives into one pool
/// block at a time, and its own blocks are 4 KiB: a 1 MiB file chunk took 256 receives, each after a
/// peek that waits for data. These blocks are 64 KiB: 16 receives per MiB, and warm uploads ran 1.25×
/// faster (bench/README.md, P6). An idle connection holds none (Kestrel waits for data before it takes a
/// block), and a connection's unread input stays capped by its read buffer limit, so memory per
/// connection does not grow with the block size. Freed blocks are kept for reuse up to
/// <see cref="KeptBlocks"/>; past that they go to the garbage collector.
/// </summary>
public sealed class SocketBlocks : IMemoryPoolFactory<byte>
{
    public const int BlockSize = 64 * 1024;
    public const int KeptBlocks = 256;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new Pool();

    sealed class Pool : MemoryPool<byte>
    {
        readonly ConcurrentQueue<Block> free = new();
        int freeCount;

        public override int MaxBufferSize => BlockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            if (minBufferSize > BlockSize)
                throw new ArgumentOutOfRangeException(nameof(minBufferSize), $"Blocks are {BlockSize} bytes.");
            if (free.TryDequeue(out var block))
            {
                Interlocked.Decrement(ref freeCount);
                return block;
            }
            return new Block(this);
        }

        internal void Return(Block block)
        {
            if (Interlocked.Increment(ref freeCount) <= KeptBlocks) free.Enqueue(block);
            else Interlocked.Decrement(ref freeCount);
        }

        protected override void Dispose(bool disposing) => free.Clear();
    }

    /// <summary>One pinned array, owned by one rent at a time.</summary>
    sealed class Block(Pool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public void Dispose() => pool.Return(this);
    }
}
