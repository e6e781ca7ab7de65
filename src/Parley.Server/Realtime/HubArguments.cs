using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Parley.Protocol;

namespace Parley.Server.Realtime;

/// <summary>
/// Refuses a hub call whose arguments hold a null where the signature says there is none: MessagePack
/// happily decodes nil into a non-nullable string, list or record, and the services behind the hub
/// trust their signatures. Read once per method from the nullable annotations, so a new method or
/// wire record is covered without a line of its own. Looks into wire records (Parley.Protocol) and
/// lists, a few levels deep. Runs after the rate limit, so a flood of bad calls is slowed like any other.
/// </summary>
public sealed class HubArguments : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        Check(invocation.HubMethod, invocation.HubMethodArguments);
        return next(invocation);
    }

    const int MaxDepth = 4;
    static readonly NullabilityInfoContext Nullability = new();
    static readonly ConcurrentDictionary<MethodInfo, NullabilityInfo?[]> Methods = new();
    static readonly ConcurrentDictionary<Type, (PropertyInfo Property, NullabilityInfo Info)[]> Records = new();

    /// <exception cref="Refusal">argument-invalid, naming the first null found.</exception>
    public static void Check(MethodInfo method, IReadOnlyList<object?> arguments)
    {
        var parameters = Methods.GetOrAdd(method, m =>
        {
            lock (Nullability)
                return m.GetParameters().Select(p => p.ParameterType.IsValueType ? null : Nullability.Create(p)).ToArray();
        });
        for (var i = 0; i < parameters.Length && i < arguments.Count; i++)
            if (parameters[i] is { } info && Missing(info, arguments[i], 0) is { } where)
                throw new Refusal(RefusalCode.ArgumentInvalid, $"Invalid argument: {method.GetParameters()[i].Name}{where} is missing.");
    }

    /// <returns>Where a forbidden null is (""), or null when there is none.</returns>
    static string? Missing(NullabilityInfo info, object? value, int depth)
    {
        if (value is null) return info.ReadState == NullabilityState.NotNull ? "" : null;
        if (depth >= MaxDepth) return null;
        if (value is IEnumerable items and not string and not byte[])
        {
            var element = info.ElementType ?? (info.GenericTypeArguments.Length == 1 ? info.GenericTypeArguments[0] : null);
            if (element is null) return null;
            var index = 0;
            foreach (var item in items)
            {
                if (Missing(element, item, depth + 1) is { } where) return $"[{index}]{where}";
                index++;
            }
            return null;
        }
        var type = value.GetType();
        if (type.Namespace != typeof(Envelope).Namespace || type.IsValueType) return null;
        foreach (var (property, propertyInfo) in Properties(type))
            if (Missing(propertyInfo, property.GetValue(value), depth + 1) is { } where) return $".{property.Name}{where}";
        return null;
    }

    static (PropertyInfo, NullabilityInfo)[] Properties(Type type) => Records.GetOrAdd(type, t =>
    {
        lock (Nullability)
            return t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && !p.PropertyType.IsValueType && p.Name != "EqualityContract")
                .Select(p => (p, Nullability.Create(p))).ToArray();
    });
}
